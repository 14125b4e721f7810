import { BaseConfig } from '@ioc/config';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';

/** Environment of the gateway app (REST + socket.io). */
export class GatewayConfig extends BaseConfig {
  /** 0 picks a free port (tests). */
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Connections the kernel queues before the gateway accepts them: a wall of displays reconnecting at once must not overflow it (capped by net.core.somaxconn). */
  @IsInt()
  @Min(1)
  @Max(65535)
  LISTEN_BACKLOG: number = 4096;

  /** "production" refuses to start without JWT_SECRET. */
  @IsIn(['production', 'development', 'test'])
  NODE_ENV: 'production' | 'development' | 'test' = 'production';

  /** HMAC secret of the JWTs issued by POST /auth/login. Required unless JWT_SECRET_GENERATE is set outside production. */
  @ValidateIf((config: GatewayConfig) => !config.JWT_SECRET_GENERATE || config.NODE_ENV === 'production')
  @IsString({ message: 'JWT_SECRET is required (at least 32 characters); only development/test may set JWT_SECRET_GENERATE=true instead' })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Development/test only: sign tokens with a random per-process secret (tokens die with the process). */
  @Transform(({ obj }: { obj: Record<string, unknown> }) => obj.JWT_SECRET_GENERATE === true || obj.JWT_SECRET_GENERATE === 'true')
  @IsBoolean()
  JWT_SECRET_GENERATE: boolean = false;

  /** Lifetime of a login token, seconds. */
  @IsInt()
  @Min(60)
  JWT_TTL_S: number = 8 * 3600;

  /** Coalescing: at most this many updates per tile per second to a client (latest value wins); 0 = every update. */
  @IsInt()
  @Min(0)
  LIVE_MAX_UPDATES_PER_TILE_PER_S: number = 4;

  /** Streams (indicator × unit) one socket may be subscribed to at once. */
  @IsInt()
  @Min(1)
  LIVE_MAX_SUBSCRIPTIONS: number = 2000;

  /** Largest socket.io message a client may send, bytes; larger closes the connection. */
  @IsInt()
  @Min(1024)
  LIVE_MAX_MESSAGE_BYTES: number = 64 * 1024;

  /** Messages per 10 s a client may send before it is disconnected as abusive. */
  @IsInt()
  @Min(1)
  LIVE_MAX_MESSAGES_PER_10S: number = 100;

  /** Bytes queued for a client beyond which it counts as slow: left out of broadcasts, it later gets only the latest value per tile. */
  @IsInt()
  @Min(1024)
  LIVE_SLOW_CLIENT_BYTES: number = 1024 * 1024;

  /** A client slow for longer than this is disconnected (it cannot keep up at all), seconds. */
  @IsInt()
  @Min(1)
  LIVE_SLOW_CLIENT_TIMEOUT_S: number = 120;

  /** REST rate limit: requests per minute per client address. */
  @IsInt()
  @Min(1)
  HTTP_RATE_LIMIT_PER_MIN: number = 600;

  /** Folder of the built web app (wall display, leader page), relative to the working directory. */
  @IsString()
  WEB_DIR: string = 'dist/web';

  /** VAPID public key (URL-safe base64) browsers subscribe to Web Push with; the same pair's private key is the aggregator's. Empty = Web Push off. */
  @IsString()
  @Matches(/^([A-Za-z0-9_-]{80,100})?$/, {
    message: 'VAPID_PUBLIC_KEY must be a URL-safe base64 P-256 public key (npx web-push generate-vapid-keys) or empty',
  })
  VAPID_PUBLIC_KEY: string = '';

  /** Internal port of Prometheus' GET /metrics (on METRICS_HOST), named per app so one environment can serve all three; 0 picks a free port (tests). */
  @IsInt()
  @Min(0)
  @Max(65535)
  GATEWAY_METRICS_PORT: number = 9464;
}
