import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@ioc/config';
import { createPrismaClient, type PrismaClient } from '@ioc/persistence';
import { seedDatabase } from '@ioc/seed';
import { AppModule, configureConnectorsApp } from '../../apps/connectors/src/app.module';
import { ConnectorsConfig } from '../../apps/connectors/src/config/connectors-config';
import type { TestDatabase } from './test-database';
import type { TestRedis } from './test-redis';

export const TEST_ADMIN_TOKEN = 'test-admin-token';

/** Environment for a connectors app (in-process or compiled) on a test's own database and Redis prefix. */
export function connectorsEnv(database: TestDatabase, redis: TestRedis, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    LOG_LEVEL: 'silent',
    CONNECTORS_PORT: '0',
    CONNECTORS_METRICS_PORT: '0',
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    CONNECTORS_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    SOURCE_RECONCILE_MS: '500',
    CONNECTOR_BACKOFF_INITIAL_MS: '20',
    CONNECTOR_BACKOFF_MAX_MS: '200',
    ...extra,
  };
}

export interface RunningConnectors {
  app: INestApplication;
  url: string;
  config: ConnectorsConfig;
  close(): Promise<void>;
}

/** The connectors app in-process on an ephemeral port. */
export async function startConnectors(env: Record<string, string>): Promise<RunningConnectors> {
  const config = loadConfig(ConnectorsConfig, env);
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
  configureConnectorsApp(app, config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, config, close: () => app.close() };
}

/** A Prisma client on the test database with the reference units seeded (events must name known units). */
export async function seededPrisma(database: TestDatabase): Promise<PrismaClient> {
  const prisma = createPrismaClient(database.url);
  await seedDatabase(prisma, { adminPassword: 'test-admin-password' });
  return prisma;
}

/** POST /sources on the connectors app with the admin token. */
export async function createSource(url: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/sources`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
