import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import {
  type ClientToServerEvents,
  type IndicatorUpdate,
  LIVE_NAMESPACE,
  type ServerToClientEvents,
  type SnapshotMessage,
  SharedRedisKey,
  sharedRedisKey,
  streamKey,
} from '@ioc/contracts';
import { loadConfig } from '@ioc/config';
import { createPrismaClient, type PrismaClient } from '@ioc/persistence';
import { seedDatabase, type SeedOptions, type SeedReport } from '@ioc/seed';
import { AppModule } from '../../apps/gateway/src/app.module';
import { GatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { configureGatewayApp } from '../../apps/gateway/src/gateway-app';
import { FIXTURE_SEED, createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../support';

export const ADMIN_PASSWORD = 'correct horse battery staple';
export const PROVINCE_KEY = 'ioc_provinceKey1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
export const DISTRICT_KEY = 'ioc_districtKey1_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Backing {
  db: TestDatabase;
  redis: TestRedis;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A seeded database (the fixture tree unless `seed` says otherwise) and a Redis prefix of their own, with known credentials. */
export async function createBacking(seed: SeedOptions = FIXTURE_SEED): Promise<Backing & { seeded: SeedReport }> {
  const db = await createTestDatabase();
  const redis = await createTestRedis();
  const prisma = createPrismaClient(db.url);
  const seeded = await seedDatabase(prisma, {
    ...seed,
    adminPassword: ADMIN_PASSWORD,
    provinceViewerApiKey: PROVINCE_KEY,
    districtViewerApiKey: DISTRICT_KEY,
  });
  return {
    db,
    redis,
    prisma,
    seeded,
    close: async () => {
      await prisma.$disconnect();
      await redis.cleanup();
      await db.drop();
    },
  };
}

export interface RunningGateway {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** The gateway app in-process on an ephemeral port, configured exactly as main.ts does. */
export async function startGateway(backing: Backing, env: Record<string, string> = {}): Promise<RunningGateway> {
  const config = loadConfig(GatewayConfig, {
    DATABASE_URL: backing.db.url,
    REDIS_URL: backing.redis.url,
    REDIS_PREFIX: backing.redis.prefix,
    LOG_LEVEL: 'silent',
    GATEWAY_METRICS_PORT: '0',
    NODE_ENV: 'test',
    JWT_SECRET,
    ...env,
  });
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
  configureGatewayApp(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return { app, url: url.replace('[::1]', '127.0.0.1'), close: () => app.close() };
}

export async function login(gateway: RunningGateway, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const response = await request(gateway.app.getHttpServer()).post('/auth/login').send({ username, password }).expect(200);
  return (response.body as { accessToken: string }).accessToken;
}

export function connect(gateway: RunningGateway, auth: Record<string, string>): LiveClient {
  return io(`${gateway.url}${LIVE_NAMESPACE}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

let counter = 0;
export function indicatorUpdate(indicatorId: string, unitCode: string, seq: number, epoch = 'epoch-1'): IndicatorUpdate {
  counter += 1;
  return {
    indicatorId,
    unitCode,
    value: seq * 10 + (counter % 7),
    numerator: null,
    denominator: null,
    own: { value: seq * 10 + (counter % 7), numerator: null, denominator: null },
    target: null,
    judged: null,
    status: 'no_target',
    asOf: new Date().toISOString(),
    freshness: [{ sourceId: 'src-1', lastSuccessAt: new Date().toISOString(), lagSeconds: 1 }],
    seq,
    epoch,
  };
}

/** Writes updates the way the aggregator does (the contract): XADD to the stream and HSET the latest, atomically. */
export async function publish(backing: Backing, updates: IndicatorUpdate[], maxLen?: number): Promise<void> {
  const { client, prefix } = backing.redis;
  const stream = sharedRedisKey(prefix, SharedRedisKey.IndicatorUpdates);
  const latest = sharedRedisKey(prefix, SharedRedisKey.IndicatorLatest);
  const multi = client.multi();
  for (const update of updates) {
    const json = JSON.stringify(update);
    if (maxLen === undefined) multi.xadd(stream, '*', 'u', json);
    else multi.xadd(stream, 'MAXLEN', maxLen, '*', 'u', json);
    multi.hset(latest, streamKey(update.indicatorId, update.unitCode), json);
  }
  await multi.exec();
}

/** Collects everything a client receives, in order. */
export function record(client: LiveClient): { events: { type: 'snapshot' | 'update' | 'error' | 'dashboard'; payload: unknown }[] } {
  const log = { events: [] as { type: 'snapshot' | 'update' | 'error' | 'dashboard'; payload: unknown }[] };
  client.on('snapshot', (payload) => log.events.push({ type: 'snapshot', payload }));
  client.on('update', (payload) => log.events.push({ type: 'update', payload }));
  // Several updates of one stream read arrive together; the log keeps them as the updates they are.
  client.on('updates', (updates) => updates.forEach((payload) => log.events.push({ type: 'update', payload })));
  client.on('error', (payload) => log.events.push({ type: 'error', payload }));
  client.on('dashboard', (payload) => log.events.push({ type: 'dashboard', payload }));
  return log;
}

/**
 * Sequence numbers a client applied for one stream, in order: the updates of its snapshots (a
 * resume's missed updates come in the snapshot) and its live updates.
 */
export function receivedSeqs(log: ReturnType<typeof record>, key: string): number[] {
  return log.events.flatMap((event) => {
    const updates =
      event.type === 'snapshot'
        ? (event.payload as SnapshotMessage).updates
        : event.type === 'update'
          ? [event.payload as IndicatorUpdate]
          : [];
    return updates.filter((update) => streamKey(update.indicatorId, update.unitCode) === key).map((update) => update.seq);
  });
}
