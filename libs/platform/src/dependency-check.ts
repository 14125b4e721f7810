import { Client } from 'pg';
import Redis from 'ioredis';
import { redactUrl } from './redact-url';

export interface DependencyUrls {
  databaseUrl: string;
  redisUrl: string;
}

/** A backing service the process cannot work without is unreachable. */
export class DependencyUnreachableError extends Error {
  constructor(
    readonly service: 'Postgres' | 'Redis',
    readonly url: string,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`Cannot reach ${service} at ${redactUrl(url)} (${reason}). ${hint}`);
    this.name = 'DependencyUnreachableError';
  }
}

const POSTGRES_HINT =
  'Start it (e.g. pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; `npm start` with DATABASE_URL unset runs an embedded PostgreSQL) or set DATABASE_URL.';
const REDIS_HINT =
  'Start it (e.g. redis-server --daemonize yes --port 6379; `npm start` with REDIS_URL unset runs an embedded Redis) or set REDIS_URL.';

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

export async function checkPostgres(databaseUrl: string, timeoutMs = 3000): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new DependencyUnreachableError('Postgres', databaseUrl, reason(error), POSTGRES_HINT);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function checkRedis(redisUrl: string, timeoutMs = 3000): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // connect() only says "Connection is closed."; the socket error says why.
  let socketError: unknown;
  redis.on('error', (error: unknown) => (socketError ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new DependencyUnreachableError('Redis', redisUrl, reason(socketError ?? error), REDIS_HINT);
  } finally {
    redis.disconnect();
  }
}

export async function checkDependencies(urls: DependencyUrls): Promise<void> {
  await checkPostgres(urls.databaseUrl);
  await checkRedis(urls.redisUrl);
}
