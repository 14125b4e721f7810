import { Client } from 'pg';
import { redisTopologyOf, type RedisTopology, type RedisTopologySettings } from '@ioc/config';
import { redactUrl } from './redact-url';
import { createRedisClient, describeRedisTopology } from './redis-client';

export interface DependencySettings extends RedisTopologySettings {
  DATABASE_URL: string;
}

/** A backing service the process cannot work without is unreachable. */
export class DependencyUnreachableError extends Error {
  constructor(
    readonly service: 'Postgres' | 'Redis',
    /** Where it was looked for, without credentials. */
    readonly where: string,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`Cannot reach ${service} at ${where} (${reason}). ${hint}`);
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
    throw new DependencyUnreachableError('Postgres', redactUrl(databaseUrl), reason(error), POSTGRES_HINT);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** PINGs Redis (a URL, or the deployment's topology: the Sentinel's master, or a Cluster's nodes). */
export async function checkRedis(target: string | RedisTopology, timeoutMs = 3000): Promise<void> {
  const topology: RedisTopology = typeof target === 'string' ? { kind: 'single', url: target } : target;
  const redis = createRedisClient(topology, {
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
    throw new DependencyUnreachableError('Redis', describeRedisTopology(topology), reason(socketError ?? error), REDIS_HINT);
  } finally {
    redis.disconnect();
  }
}

export async function checkDependencies(config: DependencySettings): Promise<void> {
  await checkPostgres(config.DATABASE_URL);
  await checkRedis(redisTopologyOf(config));
}
