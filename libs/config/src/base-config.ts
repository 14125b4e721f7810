import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, Validate } from 'class-validator';
import { RedisNodeListConstraint } from './redis-topology';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Variables every app reads; each app's schema extends this one. */
export class BaseConfig {
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/ioc';

  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Redis Sentinel: the sentinels (host:port,host:port) that name the master; REDIS_URL then gives only credentials and TLS. */
  @Validate(RedisNodeListConstraint)
  REDIS_SENTINELS = '';

  /** Redis Sentinel: the monitored master's name. */
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'REDIS_SENTINEL_MASTER may hold letters, digits, ".", "_" and "-" (1-64)' })
  REDIS_SENTINEL_MASTER = 'mymaster';

  /** Redis Cluster: seed nodes (host:port,host:port); REDIS_URL then gives only credentials and TLS. */
  @Validate(RedisNodeListConstraint)
  REDIS_CLUSTER_NODES = '';

  /** Names every Redis key and BullMQ queue (as the hash tag {REDIS_PREFIX}), so deployments and test runs never collide. */
  @IsString()
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'REDIS_PREFIX may hold letters, digits, ":", "_" and "-" (1-64)' })
  REDIS_PREFIX = 'ioc';

  /**
   * Aggregation partitions: events go to one of this many events queues, each with its own state
   * under its own hash tag (a Cluster spreads them over its shards). The same number in every app
   * of a deployment; changing it moves events' deduplication, so rebuild the state after (README).
   */
  @IsInt()
  @Min(1)
  @Max(64)
  AGGREGATION_PARTITIONS = 1;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Largest HTTP request body (bytes); larger ones get 413 before parsing. The connectors' push route uses INGEST_MAX_BODY_BYTES. */
  @IsInt()
  @Min(1024)
  HTTP_MAX_BODY_BYTES = 102_400;

  /** Deepest JSON nesting accepted in a request body or socket message; deeper ones get 400. */
  @IsInt()
  @Min(4)
  @Max(256)
  HTTP_MAX_JSON_DEPTH = 32;

  /** Seconds to finish in-flight work after SIGTERM before closing anyway. */
  @IsInt()
  @Min(1)
  SHUTDOWN_TIMEOUT_S = 10;

  /** Interface of the app's internal GET /metrics port (GATEWAY_/AGGREGATOR_/CONNECTORS_METRICS_PORT); keep it off public networks. */
  @IsString()
  METRICS_HOST = '127.0.0.1';

  /** OTLP/HTTP collector base URL (e.g. http://otel-collector:4318); when set, spans of the pipeline are exported there. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}
