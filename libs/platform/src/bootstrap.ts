import {
  type DynamicModule,
  type INestApplication,
  type INestApplicationContext,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { BaseConfig } from '@ioc/config';
import { checkDependencies } from './dependency-check';
import { withFrameworkLogsAtDebug } from './logging';
import { exitOnStartupError } from './fail-fast';
import { exitWithParent } from './parent-process';
import { PortInUseError, describePortHolder } from './port-holder';
import { forceExitAfter } from './shutdown';
import { startTracing, stopTracing } from './tracing';

/** Sends the spans still buffered when the app shuts down. */
@Injectable()
class TracingFlush implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}

@Module({})
class TracedAppModule {}

/** The app's root module under one that flushes traces last; tracing starts before any module is built. */
function traced(name: string, module: () => DynamicModule, config: BaseConfig): DynamicModule {
  startTracing(name, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  return { module: TracedAppModule, imports: [module()], providers: [TracingFlush] };
}

async function prepare<T extends INestApplicationContext>(app: T, config: BaseConfig): Promise<T> {
  app.useLogger(withFrameworkLogsAtDebug(app.get(Logger)));
  app.enableShutdownHooks();
  forceExitAfter(config.SHUTDOWN_TIMEOUT_S);
  exitWithParent();
  return app;
}

export interface HttpAppOptions {
  name: string;
  /** Built only once Postgres and Redis answer: modules open their connections as they are built. */
  module: () => DynamicModule;
  config: BaseConfig;
  port: number;
  host: string;
  /** The variable that sets `port`, named when the port is taken. */
  portVariable?: string;
  /** Length of the queue of connections not yet accepted (Node's default 511; the kernel caps it at net.core.somaxconn). */
  backlog?: number;
  /** App-specific set-up before listening: pipes, filters, socket adapter, OpenAPI. */
  configure?: (app: INestApplication) => void | Promise<void>;
  /** False for apps that use neither Postgres nor Redis (the simulator). */
  needsBackingServices?: boolean;
}

/**
 * Starts an HTTP app: checks Postgres and Redis first (one clear line and exit 1 when one
 * is unreachable), JSON logs, graceful shutdown bounded by SHUTDOWN_TIMEOUT_S.
 */
export function startHttpApp(options: HttpAppOptions): void {
  const { name, module, config, port, host, backlog, configure, needsBackingServices = true, portVariable = 'PORT' } = options;
  (async () => {
    if (needsBackingServices) await checkDependencies(config);
    const app = await prepare(await NestFactory.create(traced(name, module, config), { bufferLogs: true }), config);
    await configure?.(app);
    // Nest hands extra arguments to http.Server#listen(port, host, backlog, callback); its typings only name the callback.
    await (app.listen as (port: number, host: string, backlog?: number) => Promise<unknown>)
      .call(app, port, host, backlog)
      .catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EADDRINUSE' ? new PortInUseError(port, name, describePortHolder(port), portVariable) : error;
      });
    app.get(Logger).log(`${name} listening on ${host}:${port}`, 'Bootstrap');
  })().catch((error: unknown) => exitOnStartupError(name, error));
}

/** Starts a worker (no HTTP server) with the same checks, logging and shutdown as startHttpApp. */
export function startWorker(name: string, module: () => DynamicModule, config: BaseConfig): void {
  (async () => {
    await checkDependencies(config);
    const app = await prepare(await NestFactory.createApplicationContext(traced(name, module, config), { bufferLogs: true }), config);
    app.get(Logger).log(`${name} started`, 'Bootstrap');
  })().catch((error: unknown) => exitOnStartupError(name, error));
}
