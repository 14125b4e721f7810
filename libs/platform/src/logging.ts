import { type DynamicModule } from '@nestjs/common';
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
      customProps: () => ({ app }),
    },
  });
}
