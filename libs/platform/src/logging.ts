import { type DynamicModule, type LoggerService } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { LogLevel } from '@ioc/config';

/** Paths pino blanks out before a line is written: credentials never reach the logs. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-ioc-signature"]',
  '*.password',
  '*.passwordHash',
  '*.credentials',
  '*.token',
  '*.apiKey',
  '*.secret',
];

export interface LoggingOptions {
  app: string;
  level: LogLevel;
}

/** Structured JSON logs (pino) with the app name on every line and secrets redacted. */
export function loggingModule({ app, level }: LoggingOptions): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      name: app,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      autoLogging: { ignore: (req) => req.url === '/health' },
      // A request is news only when it failed: successful ones (polls, pages) are debug detail.
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
      customProps: () => ({ app }),
    },
  });
}

/** Nest's own start-up chatter: one line per module and route, useful only when debugging. */
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'WebSocketsController',
  'NestApplication',
]);

/**
 * The app's logger with Nest's framework lines moved to debug, so that info is one line per
 * meaningful event (started, listening, a source down, an alert firing).
 */
export function withFrameworkLogsAtDebug(logger: LoggerService): LoggerService {
  const quiet = (context: unknown): boolean => typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context);
  return {
    log: (message: unknown, ...rest: unknown[]) => (quiet(rest.at(-1)) ? logger.debug?.(message, ...rest) : logger.log(message, ...rest)),
    error: (message: unknown, ...rest: unknown[]) => logger.error(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => logger.warn(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => logger.debug?.(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => logger.verbose?.(message, ...rest),
    fatal: (message: unknown, ...rest: unknown[]) => logger.fatal?.(message, ...rest),
  };
}
