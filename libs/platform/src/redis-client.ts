import Redis, { Cluster, type RedisOptions } from 'ioredis';
import type { RedisTopology } from '@ioc/config';
import { redactUrl } from './redact-url';

/** A connection to the deployment's Redis, whichever engine runs it (commands are the same). */
export type RedisClient = Redis | Cluster;

/** User, password, TLS and database of the data nodes, from REDIS_URL (its host matters only for `single`). */
function nodeOptionsOf(url: string): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = {};
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') options.tls = {};
  const db = parsed.pathname.replace('/', '');
  if (db !== '') options.db = Number(db);
  return options;
}

/**
 * A client on the configured topology. `maxRetriesPerRequest: null` is BullMQ's requirement and
 * what every long-lived connection here wants: a Redis blip or a failover pauses commands instead
 * of failing them. Sentinel and Cluster clients follow a failover by themselves (ioredis).
 */
export function createRedisClient(topology: RedisTopology, options: RedisOptions = {}): RedisClient {
  const common: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...options };
  switch (topology.kind) {
    case 'single':
      return new Redis(topology.url, common);
    case 'sentinel':
      return new Redis({ ...nodeOptionsOf(topology.url), ...common, sentinels: topology.sentinels, name: topology.masterName });
    case 'cluster': {
      // A Cluster has only database 0.
      const nodeOptions = { ...nodeOptionsOf(topology.url), db: 0 };
      return new Cluster(topology.nodes, {
        redisOptions: { ...nodeOptions, ...common },
        lazyConnect: options.lazyConnect ?? false,
        enableReadyCheck: true,
        // Promoting a dead master's replica takes about twice the cluster node timeout: keep
        // redirecting through it (64 × 300 ms) instead of failing commands.
        retryDelayOnFailover: 300,
        retryDelayOnClusterDown: 300,
        maxRedirections: 64,
        ...(options.retryStrategy === undefined ? {} : { clusterRetryStrategy: options.retryStrategy }),
      });
    }
  }
}

/** Where the topology's clients connect, for messages (no credentials). */
export function describeRedisTopology(topology: RedisTopology): string {
  const list = (nodes: { host: string; port: number }[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  switch (topology.kind) {
    case 'single':
      return redactUrl(topology.url);
    case 'sentinel':
      return `sentinel master "${topology.masterName}" via ${list(topology.sentinels)}`;
    case 'cluster':
      return `cluster ${list(topology.nodes)}`;
  }
}
