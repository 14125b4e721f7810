import { BaseConfig } from '@ioc/config';
import { IsInt, Max, Min } from 'class-validator';

/** Environment of the aggregator worker. */
export class AggregatorConfig extends BaseConfig {
  /** Event batches processed at once by this process (Lua scripts keep concurrent batches safe). */
  @IsInt()
  @Min(1)
  @Max(64)
  AGGREGATOR_CONCURRENCY: number = 4;

  /** Lock of an event batch being processed; a crashed process's batches are redelivered after it expires. */
  @IsInt()
  @Min(1000)
  AGGREGATOR_JOB_LOCK_MS: number = 30_000;

  /** At most one IndicatorUpdate per (indicator, unit) stream per this many milliseconds. */
  @IsInt()
  @Min(10)
  AGGREGATOR_PUBLISH_INTERVAL_MS: number = 250;

  /** How often indicator definitions, units and targets are reloaded from Postgres. */
  @IsInt()
  @Min(1000)
  AGGREGATOR_CATALOG_REFRESH_MS: number = 30_000;

  /** Days an idempotency key is remembered (covers year-to-date windows); older events are dead-lettered. */
  @IsInt()
  @Min(1)
  AGGREGATOR_DEDUPE_TTL_DAYS: number = 400;

  /** Tolerated clock skew for events stamped in the future; later ones are dead-lettered. */
  @IsInt()
  @Min(0)
  AGGREGATOR_MAX_FUTURE_SKEW_MS: number = 300_000;

  /** Approximate length kept of the indicator-updates stream (gateways replay from it). */
  @IsInt()
  @Min(100)
  AGGREGATOR_UPDATES_MAXLEN: number = 100_000;

  /** Interval of history snapshots into indicator_snapshots (minute rows plus hour/day closing values). */
  @IsInt()
  @Min(1000)
  AGGREGATOR_SNAPSHOT_INTERVAL_MS: number = 60_000;

  /** Retention of per-minute snapshots, in hours. */
  @IsInt()
  @Min(1)
  AGGREGATOR_RETAIN_MINUTE_HOURS: number = 48;

  /** Retention of hourly snapshots, in days. */
  @IsInt()
  @Min(1)
  AGGREGATOR_RETAIN_HOUR_DAYS: number = 90;

  /** Retention of daily snapshots, in days. */
  @IsInt()
  @Min(1)
  AGGREGATOR_RETAIN_DAY_DAYS: number = 1830;

  /** Days of daily history the projection to a dated target's deadline is fitted on. */
  @IsInt()
  @Min(2)
  AGGREGATOR_TREND_DAYS: number = 14;
}
