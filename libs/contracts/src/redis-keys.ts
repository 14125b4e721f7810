/**
 * Every Redis key of a deployment carries the hash tag `{REDIS_PREFIX}`. On a Redis Cluster the
 * tag puts them in one slot, so each multi-key script, each XREAD over several streams and each
 * BullMQ queue (BullMQ's documented `{prefix}` rule) stays on one node; on a single server or
 * Sentinel the braces are just characters. Each owner names its private keys in its own
 * `redis-keys.ts` under this tag; the keys apps share are named here.
 */
export const redisKeyTag = (prefix: string): string => `{${prefix}}`;

/** BullMQ's `prefix` option for every queue of the deployment: queue keys become `{prefix}:<queue>:…`. */
export const redisQueuePrefix = (prefix: string): string => redisKeyTag(prefix);

/**
 * Redis keys shared between apps. The aggregator writes the indicator, alert and scorecard keys,
 * the connectors the source-health stream; gateways (and the aggregator's alert consumer) read them.
 */
export const SharedRedisKey = {
  /**
   * Stream (XADD ... MAXLEN ~ N) of every published IndicatorUpdate, one entry per update with
   * field "u" = JSON. Gateways XREAD it to fan out, and replay from it on resume.
   */
  IndicatorUpdates: 'indicator-updates',
  /** Hash: streamKey(indicatorId, unitCode) → JSON IndicatorUpdate, the latest of each stream (snapshots). */
  IndicatorLatest: 'indicator-latest',
  /** String: epoch of the sequence numbers; a new one whenever the aggregator's state is rebuilt. */
  IndicatorEpoch: 'indicator-epoch',
  /** Stream of SourceHealthUpdate entries (field "u" = JSON), written by the connectors. */
  SourceHealth: 'source-health',
  /**
   * Stream (MAXLEN ~ 10000) of in-app alert deliveries, field "n" = JSON AlertNotification; the
   * gateway emits each to every live socket of its `userId`.
   */
  AlertNotifications: 'alert-notifications',
  /** Hash: resolution code → JSON ResolutionScorecard. */
  Scorecards: 'scorecards',
  /** Stream (field "u" = JSON ResolutionScorecard) of scorecards that changed, for the gateways' socket fan-out. */
  ScorecardUpdates: 'scorecard-updates',
} as const;
export type SharedRedisKey = (typeof SharedRedisKey)[keyof typeof SharedRedisKey];

export const sharedRedisKey = (prefix: string, key: SharedRedisKey): string => `${redisKeyTag(prefix)}:${key}`;
