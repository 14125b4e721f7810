import { redisKeyTag } from './redis-keys';

/**
 * Aggregation is partitioned by the event's idempotency key: each of AGGREGATION_PARTITIONS
 * partitions has its own events queue and aggregation state under its own hash tag, so on a
 * Redis Cluster the partitions land on different shards and their aggregators work in parallel.
 * Keying by the idempotency key keeps each key's deduplication in one partition (an event is
 * counted once however often, and by whichever producer, it is sent) and spreads any source mix
 * evenly. Readers merge the partitions: counters add up, the newest gauge reading wins.
 *
 * Partition 0 uses the deployment's own tag, so one partition is exactly the unpartitioned layout.
 */
export const partitionKeyTag = (prefix: string, partition: number): string =>
  partition === 0 ? redisKeyTag(prefix) : redisKeyTag(`${prefix}:p${partition}`);

/** BullMQ's `prefix` for the events queue of a partition. */
export const partitionQueuePrefix = (prefix: string, partition: number): string => partitionKeyTag(prefix, partition);

/** The partition of an idempotency key: FNV-1a (32 bit) of its UTF-16 code units, modulo the partition count. */
export function eventPartitionOf(idempotencyKey: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < idempotencyKey.length; i += 1) {
    hash ^= idempotencyKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/**
 * The partition of anything offered as an event. One without a string idempotency key cannot be
 * deduplicated anywhere; it goes to partition 0, whose aggregator dead-letters it with the reason.
 */
export function partitionOfRaw(event: unknown, partitions: number): number {
  const key = typeof event === 'object' && event !== null ? (event as { idempotencyKey?: unknown }).idempotencyKey : undefined;
  return typeof key === 'string' ? eventPartitionOf(key, partitions) : 0;
}

/** Splits a batch's events by partition, keeping their order; only partitions that receive events appear. */
export function splitByPartition<E>(events: readonly E[], partitions: number): Map<number, E[]> {
  const split = new Map<number, E[]>();
  for (const event of events) {
    const partition = partitionOfRaw(event, partitions);
    const list = split.get(partition);
    if (list) list.push(event);
    else split.set(partition, [event]);
  }
  return split;
}
