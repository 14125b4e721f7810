import { redisKeyTag } from '@ioc/contracts';

/**
 * The aggregator's private Redis keys, all under the deployment's hash tag (see @ioc/contracts
 * redis-keys) so its scripts, which touch several at once, run on one Cluster node.
 */
export function aggregatorRedisKeys(prefix: string) {
  const tag = redisKeyTag(prefix);
  return {
    /**
     * Prefix of the aggregation state the apply script builds keys from: `c:<bucket>` counters,
     * `g:<bucket>`/`go:<bucket>` gauges and their order, `seen:<day>` idempotency keys, `fresh`.
     */
    state: `${tag}:agg:`,
    /** Hash: the latest deliveries per unit and source (read with the state). */
    fresh: `${tag}:agg:fresh`,
    /** Hash: stream → signature of its last published value. */
    publishedSignatures: `${tag}:agg:published`,
    /** Hash: stream → last published sequence number. */
    sequences: `${tag}:agg:seq`,
    /** String with a TTL: held by the process publishing this interval. */
    publishGate: `${tag}:agg:publish-gate`,
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
