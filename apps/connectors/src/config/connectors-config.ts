import { EventRulesConfig } from '@ioc/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Environment of the connectors app (scheduled pulls, push ingestion, backfill). */
export class ConnectorsConfig extends EventRulesConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  CONNECTORS_PORT: number = 3100;

  @IsString()
  CONNECTORS_HOST: string = '127.0.0.1';

  /** 32 bytes, base64: decrypts sources' credentials. Unset: read from CREDENTIALS_KEY_FILE. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'CREDENTIALS_KEY must be 32 bytes encoded in base64' })
  CREDENTIALS_KEY?: string;

  /** Where the seed step keeps a generated CREDENTIALS_KEY when none is configured. */
  @IsString()
  CREDENTIALS_KEY_FILE: string = '.secrets/credentials-key';

  /** Extra connector modules (comma-separated paths), each exporting `connector`. */
  @IsString()
  CONNECTOR_MODULES: string = '';

  /** Events per EventBatchJob. */
  @IsInt()
  @Min(1)
  @Max(5000)
  EVENT_BATCH_SIZE: number = 500;

  @IsInt() @Min(100) CONNECTOR_HTTP_TIMEOUT_MS: number = 10_000;
  @IsInt() @Min(1) @Max(10) CONNECTOR_HTTP_MAX_ATTEMPTS: number = 4;
  @IsInt() @Min(1) CONNECTOR_BACKOFF_INITIAL_MS: number = 200;
  @IsInt() @Min(1) CONNECTOR_BACKOFF_MAX_MS: number = 10_000;
  /** Consecutive failed calls that open a source's circuit. */
  @IsInt() @Min(1) CONNECTOR_BREAKER_THRESHOLD: number = 5;
  @IsInt() @Min(100) CONNECTOR_BREAKER_HALF_OPEN_MS: number = 30_000;

  /** A failing source is DEGRADED while its last success is younger than this, DOWN after. */
  @IsInt() @Min(1) SOURCE_DOWN_AFTER_S: number = 300;

  /** How often the schedules are reconciled with the sources table (new, changed, disabled sources). */
  @IsInt() @Min(100) SOURCE_RECONCILE_MS: number = 30_000;

  /** Largest raw record accepted from a source (bytes of JSON). */
  @IsInt() @Min(1024) MAX_RECORD_BYTES: number = 65_536;

  /** Push ingestion: accepted clock difference of x-ioc-timestamp, and the largest body. */
  @IsInt() @Min(1) INGEST_MAX_SKEW_S: number = 300;
  @IsInt() @Min(1024) INGEST_MAX_BODY_BYTES: number = 1_048_576;

  /** Bearer token for the admin REST routes (create source, backfill); unset = those routes answer 503. */
  @IsOptional()
  @IsString()
  CONNECTORS_ADMIN_TOKEN?: string;

  /** Internal port of Prometheus' GET /metrics (on METRICS_HOST), named per app so one environment can serve all three; 0 picks a free port (tests). */
  @IsInt()
  @Min(0)
  @Max(65535)
  CONNECTORS_METRICS_PORT: number = 9466;
}
