import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { chromium, type BrowserContext } from 'playwright-core';
import { type IndicatorUpdate, SharedRedisKey, sharedRedisKey, type SourceHealthUpdate, streamKey } from '@ioc/contracts';
import { loadConfig } from '@ioc/config';
import { AppModule } from '../../apps/gateway/src/app.module';
import { GatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { configureGatewayApp } from '../../apps/gateway/src/gateway-app';
import { ADMIN_PASSWORD, createBacking, type Backing } from '../gateway/gateway-harness';
import { PROJECT_ROOT } from '../support';

export { ADMIN_PASSWORD, DISTRICT_KEY, PROVINCE_KEY } from '../gateway/gateway-harness';
const WEB_DIR = resolve(PROJECT_ROOT, 'dist', 'web');
const CHROMIUM = '/usr/bin/chromium';

/**
 * Browser suites run where Chromium is installed, and always in CI (where a missing Chromium is
 * a failure). On a developer machine without it they are skipped with a note saying how to get it.
 */
export const describeInBrowser: jest.Describe = existsSync(CHROMIUM) || process.env.CI === 'true' ? describe : describe.skip;
if (!existsSync(CHROMIUM) && process.env.CI !== 'true') {
  process.stderr.write(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)\n`);
}

/**
 * Where the pages' screenshots go: docs/ (linked from the README) when UPDATE_SCREENSHOTS=1,
 * else the temp folder, so an ordinary test run leaves the work tree clean.
 */
export const screenshotPath = (name: string): string =>
  resolve(process.env.UPDATE_SCREENSHOTS === '1' ? resolve(PROJECT_ROOT, 'docs') : tmpdir(), name);

export type Stack = Backing;

/** The gateway tests' seeded database and Redis prefix, once the web app is built. */
export async function createStack(): Promise<Stack> {
  if (!existsSync(join(WEB_DIR, 'display.html'))) throw new Error(`No built web app in ${WEB_DIR}: run "npm run build" first`);
  return createBacking();
}

export interface RunningGateway {
  app: INestApplication;
  port: number;
  url: string;
}

/** The gateway in-process, configured as main.ts does; `port` 0 picks a free one, a restart passes the same again. */
export async function startGateway(stack: Stack, port = 0, env: Record<string, string> = {}): Promise<RunningGateway> {
  const config = loadConfig(GatewayConfig, {
    DATABASE_URL: stack.db.url,
    REDIS_URL: stack.redis.url,
    REDIS_PREFIX: stack.redis.prefix,
    LOG_LEVEL: 'silent',
    GATEWAY_METRICS_PORT: '0',
    NODE_ENV: 'test',
    JWT_SECRET: 'browser-test-secret-browser-test-secret-0',
    WEB_DIR,
    ...env,
  });
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
  configureGatewayApp(app);
  await app.listen(port, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, port: address.port, url: `http://127.0.0.1:${address.port}` };
}

/** Writes updates as the aggregator does (the contract): XADD to the stream and HSET the latest, atomically. */
export async function publish(stack: Stack, updates: IndicatorUpdate[]): Promise<void> {
  const { client, prefix } = stack.redis;
  const multi = client.multi();
  for (const update of updates) {
    const json = JSON.stringify(update);
    multi.xadd(sharedRedisKey(prefix, SharedRedisKey.IndicatorUpdates), '*', 'u', json);
    multi.hset(sharedRedisKey(prefix, SharedRedisKey.IndicatorLatest), streamKey(update.indicatorId, update.unitCode), json);
  }
  await multi.exec();
}

/** A connector's health report, as the connectors write it (XADD to the source-health stream). */
export async function publishSourceHealth(
  stack: Stack,
  sourceId: string,
  status: SourceHealthUpdate['status'],
  lastSuccessAt: Date | null = null,
): Promise<void> {
  const update: SourceHealthUpdate = {
    sourceId,
    status,
    lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
    lastErrorAt: null,
    lastError: null,
    lagSeconds: null,
    deadLetterCount: 0,
  };
  await stack.redis.client.xadd(sharedRedisKey(stack.redis.prefix, SharedRedisKey.SourceHealth), '*', 'u', JSON.stringify(update));
}

export function indicatorUpdate(
  fields: Pick<IndicatorUpdate, 'indicatorId' | 'unitCode' | 'value' | 'seq'> & Partial<IndicatorUpdate>,
): IndicatorUpdate {
  const now = new Date().toISOString();
  return {
    numerator: null,
    denominator: null,
    own: { value: fields.value, numerator: null, denominator: null },
    target: null,
    judged: null,
    status: 'no_target',
    asOf: now,
    freshness: [{ sourceId: 'ioffice', lastSuccessAt: now, lagSeconds: 2 }],
    epoch: 'epoch-web-1',
    ...fields,
  };
}

/** Debian's Chromium, headless, with a fresh profile; nothing is downloaded. `httpCredentials` answer HTTP auth challenges. */
export async function launchBrowser(
  viewport = { width: 1920, height: 1080 },
  httpCredentials?: { username: string; password: string },
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (as .ci/run does)`);
  const profile = await mkdtemp(join(tmpdir(), 'ioc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    httpCredentials,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A JWT for a seeded user, through POST /auth/login. */
export async function login(gateway: RunningGateway, username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
  const response = await fetch(`${gateway.url}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`Login of ${username} failed: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}
