import { IsInt, Matches, Max, Min } from 'class-validator';
import { BaseConfig } from './base-config';

const LIMIT_ENTRY = '(\\*|[a-z][a-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*)=\\d+(\\.\\d+)?([eE]\\+?\\d+)?';

/**
 * The variables of the one event-validity rule (@ioc/indicators validateEvent). Every app that
 * judges events (connectors at push and pull, the aggregator) extends this schema, so one
 * environment gives them the same verdicts.
 */
export class EventRulesConfig extends BaseConfig {
  /** Tolerated clock skew of a source: events stamped further in the future are refused. */
  @IsInt()
  @Min(0)
  EVENT_MAX_FUTURE_SKEW_S: number = 300;

  /** Oldest accepted event, in days; also how long idempotency keys are remembered (older replays could count twice). */
  @IsInt()
  @Min(1)
  EVENT_MAX_AGE_DAYS: number = 400;

  /** Largest event (bytes of JSON). */
  @IsInt()
  @Min(1024)
  @Max(1_048_576)
  EVENT_MAX_BYTES: number = 16_384;

  /**
   * Largest amount of a measure in one event: comma-separated `<field>=<max>`, `<event kind>:<field>=<max>`
   * (more specific) and `*=<max>` (every other measure), e.g. "count=1000000,beds.occupied:occupied=20000,*=1000000000".
   */
  @Matches(new RegExp(`^${LIMIT_ENTRY}(,${LIMIT_ENTRY})*$`), {
    message:
      'EVENT_VALUE_LIMITS must be comma-separated <field>=<max>, <kind>:<field>=<max> or *=<max> entries, e.g. "count=1000000,*=1000000000"',
  })
  EVENT_VALUE_LIMITS: string = 'count=1000000,*=1000000000';

  /** The rule's limits, as @ioc/indicators EventLimits. */
  eventLimits(): { maxFutureMs: number; maxAgeMs: number; maxBytes: number; values: Record<string, number> } {
    return {
      maxFutureMs: this.EVENT_MAX_FUTURE_SKEW_S * 1000,
      maxAgeMs: this.EVENT_MAX_AGE_DAYS * 86_400_000,
      maxBytes: this.EVENT_MAX_BYTES,
      values: Object.fromEntries(
        this.EVENT_VALUE_LIMITS.split(',').map((entry) => [
          entry.slice(0, entry.lastIndexOf('=')),
          Number(entry.slice(entry.lastIndexOf('=') + 1)),
        ]),
      ),
    };
  }
}
