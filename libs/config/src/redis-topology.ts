import { ValidatorConstraint, type ValidatorConstraintInterface, type ValidationArguments } from 'class-validator';

export interface RedisNodeAddress {
  host: string;
  port: number;
}

/**
 * Which Redis engine a deployment runs on, from its configuration:
 * - `single`: one server at REDIS_URL (development, compose);
 * - `sentinel`: a master found through REDIS_SENTINELS under REDIS_SENTINEL_MASTER, failed over by Sentinel;
 * - `cluster`: a Redis Cluster reached through any of REDIS_CLUSTER_NODES.
 * REDIS_URL still carries the user, password and TLS (rediss://) of the data nodes in every case.
 */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; url: string; sentinels: RedisNodeAddress[]; masterName: string }
  | { kind: 'cluster'; url: string; nodes: RedisNodeAddress[] };

export interface RedisTopologySettings {
  REDIS_URL: string;
  REDIS_SENTINELS: string;
  REDIS_SENTINEL_MASTER: string;
  REDIS_CLUSTER_NODES: string;
}

const NODE_LIST = /^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/;

/** "host:port,host:port" → addresses; undefined when the list is malformed. */
export function parseNodeList(list: string): RedisNodeAddress[] | undefined {
  const trimmed = list.replace(/\s+/g, '');
  if (!NODE_LIST.test(trimmed)) return undefined;
  const nodes = trimmed.split(',').map((entry) => {
    const colon = entry.lastIndexOf(':');
    return { host: entry.slice(0, colon), port: Number(entry.slice(colon + 1)) };
  });
  return nodes.every((node) => node.port >= 1 && node.port <= 65_535) ? nodes : undefined;
}

/** The topology the settings describe; callers get settings that passed the config schema. */
export function redisTopologyOf(settings: RedisTopologySettings): RedisTopology {
  const url = settings.REDIS_URL;
  if (settings.REDIS_CLUSTER_NODES !== '') {
    const nodes = parseNodeList(settings.REDIS_CLUSTER_NODES);
    if (!nodes) throw new Error(`REDIS_CLUSTER_NODES is not a host:port list: "${settings.REDIS_CLUSTER_NODES}"`);
    return { kind: 'cluster', url, nodes };
  }
  if (settings.REDIS_SENTINELS !== '') {
    const sentinels = parseNodeList(settings.REDIS_SENTINELS);
    if (!sentinels) throw new Error(`REDIS_SENTINELS is not a host:port list: "${settings.REDIS_SENTINELS}"`);
    return { kind: 'sentinel', url, sentinels, masterName: settings.REDIS_SENTINEL_MASTER };
  }
  return { kind: 'single', url };
}

/** Validates REDIS_SENTINELS / REDIS_CLUSTER_NODES: empty, or a host:port list, and never both set. */
@ValidatorConstraint({ name: 'redisNodeList' })
export class RedisNodeListConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    if (value === '') return true;
    if (typeof value !== 'string' || !parseNodeList(value)) return false;
    const settings = args.object as Partial<RedisTopologySettings>;
    return !(settings.REDIS_SENTINELS && settings.REDIS_CLUSTER_NODES);
  }

  defaultMessage(args: ValidationArguments): string {
    const settings = args.object as Partial<RedisTopologySettings>;
    if (settings.REDIS_SENTINELS && settings.REDIS_CLUSTER_NODES && typeof args.value === 'string' && parseNodeList(args.value))
      return 'set REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both (a deployment runs on Sentinel or on a Cluster)';
    return `${args.property} must be a comma-separated host:port list (e.g. redis-a:6379,redis-b:6379)`;
  }
}
