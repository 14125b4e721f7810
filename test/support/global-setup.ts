import './register-paths';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '@ioc/config';
import { resolveBackingServices, type BackingServices } from '../../scripts/embedded-services';
import { BackingServicesConfig, DEFAULT_SERVICE_URLS } from '../../scripts/stack-config';
import { freePort } from './ports';

/** Shared with global-teardown: Jest runs both in its parent process. */
export const BACKING = Symbol.for('ioc.test.backing-services');
export type WithBacking = typeof globalThis & { [BACKING]?: { services: BackingServices; dataDir: string } };

/**
 * `npm test` finds Postgres and Redis the way `npm start` does: DATABASE_URL / REDIS_URL when
 * set, else the local default servers, else embedded ones started here for this run (throw-away
 * data). The tests then read the URLs from the environment this sets.
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig(BackingServicesConfig);
  const password = randomBytes(18).toString('base64url');
  const dataDir = await mkdtemp(join(tmpdir(), 'ioc-test-services-'));
  const backing = await resolveBackingServices({
    mode: config.EMBEDDED,
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    defaultDatabaseUrl: DEFAULT_SERVICE_URLS.databaseUrl,
    defaultRedisUrl: DEFAULT_SERVICE_URLS.redisUrl,
    dataDir,
    postgresPort: await freePort(),
    redisPort: await freePort(),
    postgresPassword: () => password,
    ephemeralRedis: true,
    logger: pino({ name: 'test-services', level: 'warn' }),
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  process.env.DATABASE_URL = backing.postgres.url;
  process.env.REDIS_URL = backing.redis.url;
  if (backing.postgres.embedded || backing.redis.embedded) {
    process.stderr.write(
      `\ntests use ${backing.postgres.embedded ? 'an embedded' : 'the configured'} PostgreSQL and ${backing.redis.embedded ? 'an embedded' : 'the configured'} Redis\n`,
    );
  }
  (globalThis as WithBacking)[BACKING] = { services: backing, dataDir };
}
