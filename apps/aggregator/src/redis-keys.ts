import { partitionKeyTag, redisKeyTag } from '@ioc/contracts';

/**
 * The aggregator's private Redis keys, all under the deployment's hash tag (see @ioc/contracts
 * redis-keys) so its scripts, which touch several at once, run on one Cluster node.
 */
export function aggregatorRedisKeys(prefix: string) {
  const tag = redisKeyTag(prefix);
  return {
    /** The aggregation state of a partition (see partitionStateKeys). */
    partitionState: (partition: number) => partitionStateKeys(prefix, partition),
    /** Hash: stream → signature of its last published value. */
    publishedSignatures: `${tag}:agg:published`,
    /** Hash: stream → last published sequence number. */
    sequences: `${tag}:agg:seq`,
    /** String with a TTL: held by the process publishing this interval. */
    publishGate: `${tag}:agg:publish-gate`,
    /** Set: event kinds a process's batches changed while another held the publish gate; the next round takes them. */
    pendingKinds: `${tag}:agg:pending-kinds`,
    /** List of trace carriers of recent batches (tracing only). */
    batchTraces: `${tag}:agg:batch-traces`,
    /** Hash: dead-lettered events per source, and `total`. */
    deadLetterCounts: `${tag}:agg:dead-letters`,
    /** Hash: dead-letter ids already counted. */
    deadLettersSeen: `${tag}:agg:dead-letters-seen`,
    /** String with a TTL: the process that snapshots history this minute. */
    snapshotGate: (minute: number) => `${tag}:agg:snapshot-gate:${minute}`,
    /** Alert evaluation state: `eval`, `sources`, `groups` hashes and `lock:<name>` leases. */
    alerts: (name: string) => `${tag}:alerts:${name}`,
  };
}
export type AggregatorRedisKeys = ReturnType<typeof aggregatorRedisKeys>;

/**
 * A partition's aggregation state, under the partition's hash tag (partition 0: the deployment's
 * own), so its apply script touches one slot and partitions sit on different Cluster shards.
 */
export function partitionStateKeys(prefix: string, partition: number) {
  const tag = partitionKeyTag(prefix, partition);
  return {
    /**
     * Prefix the apply script builds keys from: `c:<bucket>` counters, `g:<bucket>`/`go:<bucket>`
     * gauges and their order, `seen:<day>` idempotency keys.
     */
    state: `${tag}:agg:`,
    /** Hash: the latest deliveries per unit and source. */
    fresh: `${tag}:agg:fresh`,
  };
}
export type PartitionStateKeys = ReturnType<typeof partitionStateKeys>;
