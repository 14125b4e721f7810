import { hostname } from 'node:os';
import { EventRulesConfig } from '@ioc/config';
import {
  IsBoolean,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** The partitions a list names, or null when it is not a comma-separated list of partitions below `count`. */
const parsePartitionList = (list: string, count: number): number[] | null => {
  if (!/^\d+(,\d+)*$/.test(list)) return null;
  const partitions = [...new Set(list.split(',').map(Number))].sort((a, b) => a - b);
  return partitions.every((p) => p < count) ? partitions : null;
};

@ValidatorConstraint({ name: 'ownedPartitions' })
class OwnedPartitionsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const count = (args.object as AggregatorConfig).AGGREGATION_PARTITIONS;
    return value === '' || (typeof value === 'string' && parsePartitionList(value, count) !== null);
  }

  defaultMessage(args: ValidationArguments): string {
    const count = (args.object as AggregatorConfig).AGGREGATION_PARTITIONS;
    return `AGGREGATOR_PARTITIONS must be empty (all) or a comma-separated list of partitions from 0 to ${count - 1} (AGGREGATION_PARTITIONS is ${count})`;
  }
}

/** Environment of the aggregator worker. */
export class AggregatorConfig extends EventRulesConfig {
  /** Event batches processed at once by this process (Lua scripts keep concurrent batches safe). */
  @IsInt()
  @Min(1)
  @Max(64)
  AGGREGATOR_CONCURRENCY: number = 4;

  /**
   * The aggregation partitions whose queues this process consumes (e.g. "0,2"); empty = all of
   * them. Every partition needs at least one aggregator; values are published from all of them.
   */
  @Validate(OwnedPartitionsConstraint)
  AGGREGATOR_PARTITIONS = '';

  /** Lock of an event batch being processed; a crashed process's batches are redelivered after it expires. */
  @IsInt()
  @Min(1000)
  AGGREGATOR_JOB_LOCK_MS: number = 30_000;

  /** At most one IndicatorUpdate per (indicator, unit) stream per this many milliseconds. */
  @IsInt()
  @Min(10)
  AGGREGATOR_PUBLISH_INTERVAL_MS: number = 250;

  /**
   * Publish a change at once when no update went out within the interval (leading edge), later
   * changes of the interval together at its end; false: on the timer only, every change waiting
   * for the next tick. On since the gateway sends one message per socket per stream read: at
   * 1,000 events/s and 1,000 displays it lowered p99 event-to-screen (bench:pipeline, README).
   */
  @IsBoolean()
  AGGREGATOR_PUBLISH_ON_CHANGE: boolean = true;

  /**
   * With AGGREGATOR_PUBLISH_ON_CHANGE, every stream is recomputed this often (or every
   * AGGREGATOR_PUBLISH_INTERVAL_MS when that is longer): what time alone moves (windows rolling
   * over, deadlines, source freshness) and the scorecards. Between, a change recomputes only the
   * indicators its events' kinds move, so the publish interval can be short.
   */
  @IsInt()
  @Min(100)
  AGGREGATOR_RECOMPUTE_INTERVAL_MS: number = 1000;

  /**
   * A source's new delivery alone (its lastSuccessAt, listed on every unit above where it
   * delivered) re-sends a stream at most once per this many milliseconds; value changes go out at
   * once, and the freshness indicator on every delivery. 0: every delivery re-sends.
   */
  @IsInt()
  @Min(0)
  AGGREGATOR_DELIVERY_RESEND_MS: number = 10_000;

  /** How often indicator definitions, units and targets are reloaded from Postgres. */
  @IsInt()
  @Min(1000)
  AGGREGATOR_CATALOG_REFRESH_MS: number = 30_000;

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

  /** How often time-driven alert work runs (pending → firing, keep-firing expiry, staleness, grouping, escalation); 0 = never on a timer. */
  @IsInt()
  @Min(0)
  ALERT_EVALUATION_INTERVAL_MS = 5000;

  /** Alertmanager group_wait: delay before the first message of a new group, to gather alerts firing together. */
  @IsInt()
  @Min(0)
  ALERT_GROUP_WAIT_S = 30;

  /** Alertmanager group_interval: delay before a message about a changed group. */
  @IsInt()
  @Min(0)
  ALERT_GROUP_INTERVAL_S = 300;

  /** Alertmanager repeat_interval: delay before repeating an unchanged, still-firing, unacknowledged group. */
  @IsInt()
  @Min(1)
  ALERT_REPEAT_INTERVAL_S = 4 * 3600;

  /** An unacknowledged critical alert climbs one level up the unit tree after each period of this length. */
  @IsInt()
  @Min(1)
  ALERT_ESCALATION_AFTER_S = 900;

  /** Base of the links in messages; the alert id or group is appended. */
  @IsUrl({ require_tld: false })
  ALERT_LINK_BASE_URL = 'http://localhost:3000/alerts';

  /** Name of this process in the alert stream consumer group (unique per process). */
  @IsString()
  @MinLength(1)
  ALERT_CONSUMER_NAME = `${hostname()}-${process.pid}`;

  /** Delivery attempts per notification, and the first retry delay (doubling each time). */
  @IsInt()
  @Min(1)
  ALERT_DELIVERY_ATTEMPTS = 8;

  @IsInt()
  @Min(1)
  ALERT_DELIVERY_BACKOFF_MS = 1000;

  /** Webhook (SMS/Zalo/Telegram gateway) receiving every notification as JSON; empty = no webhook. */
  @IsOptional()
  @ValidateIf((c: AggregatorConfig) => c.ALERT_WEBHOOK_URL !== '')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ALERT_WEBHOOK_URL = '';

  /** HMAC-SHA256 key of the X-IOC-Signature header; required with a webhook. */
  @ValidateIf((c: AggregatorConfig) => c.ALERT_WEBHOOK_URL !== '')
  @MinLength(16, { message: 'ALERT_WEBHOOK_SECRET must hold at least 16 characters when ALERT_WEBHOOK_URL is set' })
  ALERT_WEBHOOK_SECRET = '';

  /** VAPID key pair (URL-safe base64, `npx web-push generate-vapid-keys`); empty = no Web Push. */
  @IsString()
  VAPID_PUBLIC_KEY = '';

  @ValidateIf((c: AggregatorConfig) => c.VAPID_PUBLIC_KEY !== '')
  @MinLength(1, { message: 'VAPID_PRIVATE_KEY is required when VAPID_PUBLIC_KEY is set' })
  VAPID_PRIVATE_KEY = '';

  /** Contact the push services may use (mailto: or https: URL). */
  @Matches(/^(mailto:|https:\/\/)/, { message: 'VAPID_SUBJECT must be a mailto: or https:// URL' })
  VAPID_SUBJECT = 'mailto:ioc@quangngai.gov.vn';

  /** SMTP server for e-mail notifications (smtp:// or smtps://); empty = no e-mail. */
  @ValidateIf((c: AggregatorConfig) => c.SMTP_URL !== '')
  @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL = '';

  @IsEmail()
  SMTP_FROM = 'ioc@quangngai.gov.vn';

  /** The partitions this process consumes, ascending. */
  ownedPartitions(): number[] {
    const all = Array.from({ length: this.AGGREGATION_PARTITIONS }, (_, partition) => partition);
    return this.AGGREGATOR_PARTITIONS === '' ? all : (parsePartitionList(this.AGGREGATOR_PARTITIONS, this.AGGREGATION_PARTITIONS) ?? all);
  }

  /** Internal port of Prometheus' GET /metrics (on METRICS_HOST), named per app so one environment can serve all three; 0 picks a free port (tests). */
  @IsInt()
  @Min(0)
  @Max(65535)
  AGGREGATOR_METRICS_PORT: number = 9465;
}
