import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Injection token of the app's Prometheus registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** A Prometheus registry with the default process metrics (CPU, memory, GC, event-loop lag) and an `app` label on every series. */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface MetricsOptions {
  app: string;
  /** Internal port of GET /metrics; 0 = any free port (tests). */
  port: number;
  host: string;
}

const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

/**
 * Serves the registry at GET /metrics on its own internal port, apart from the app's public
 * port, so scraping needs no credentials and is never reachable where the API is exposed.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(METRICS_OPTIONS) private readonly options: MetricsOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics is served here\n');
        return;
      }
      this.registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`Metrics collection failed: ${String(error)}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `${this.options.app}: cannot serve metrics on ${this.options.host}:${this.options.port} (${error.code ?? error.message}); set its <APP>_METRICS_PORT`,
          ),
        ),
      );
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics on http://${this.options.host}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The port actually bound (differs from the configured one when that is 0). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  get url(): string {
    return `http://${this.options.host === '0.0.0.0' ? '127.0.0.1' : this.options.host}:${this.port}/metrics`;
  }
}

/** The app's registry (inject METRICS_REGISTRY to define metrics on it) and its /metrics server. */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsOptions): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      providers: [
        { provide: METRICS_OPTIONS, useValue: options },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(options.app) },
        MetricsServer,
      ],
      exports: [METRICS_REGISTRY, MetricsServer],
    };
  }
}
