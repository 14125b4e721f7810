import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ConnectorMetrics } from '@ioc/connector-sdk';
import { METRICS_REGISTRY } from '@ioc/platform';

/** Prometheus metrics of the connectors, labelled by source and stream (served on CONNECTORS_METRICS_PORT). */
@Injectable()
export class ConnectorMetricsService {
  private readonly connectorCounter: Counter<'source' | 'stream' | 'name'>;
  readonly eventsQueued: Counter<'source' | 'stream'>;
  readonly deadLettered: Counter<'source' | 'stream' | 'stage'>;
  readonly pullFailures: Counter<'source'>;
  /** Age of the newest change read from a source at its last successful pull. */
  readonly pullLag: Gauge<'source'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.connectorCounter = new Counter({
      name: 'ioc_connector_counter_total',
      help: 'Counters incremented by connectors through their read context (e.g. records_read)',
      labelNames: ['source', 'stream', 'name'],
      registers,
    });
    this.eventsQueued = new Counter({
      name: 'ioc_connector_events_queued_total',
      help: 'Valid events queued on the events queue',
      labelNames: ['source', 'stream'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'ioc_connector_dead_lettered_total',
      help: 'Records or events refused and sent to the dead-letter queue',
      labelNames: ['source', 'stream', 'stage'],
      registers,
    });
    this.pullFailures = new Counter({
      name: 'ioc_connector_pull_failures_total',
      help: 'Pulls that ended with an error',
      labelNames: ['source'],
      registers,
    });
    this.pullLag = new Gauge({
      name: 'ioc_connector_pull_lag_seconds',
      help: 'Age of the newest change read from the source at its last successful pull',
      labelNames: ['source'],
      registers,
    });
  }

  /** The metrics handle a connector's read context gets. */
  forStream(source: string, stream: string): ConnectorMetrics {
    return { increment: (name, by = 1) => this.connectorCounter.inc({ source, stream, name }, by) };
  }
}
