import { Injectable } from '@nestjs/common';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectorMetrics } from '@ioc/connector-sdk';

/** Prometheus counters of the connectors, labelled by source and stream (GET /metrics). */
@Injectable()
export class ConnectorMetricsService {
  readonly registry = new Registry();
  private readonly connectorCounter = new Counter({
    name: 'ioc_connector_counter_total',
    help: 'Counters incremented by connectors through their read context (e.g. records_read)',
    labelNames: ['source', 'stream', 'name'],
    registers: [this.registry],
  });
  readonly eventsQueued = new Counter({
    name: 'ioc_connector_events_queued_total',
    help: 'Valid events queued on the events queue',
    labelNames: ['source', 'stream'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'ioc_connector_dead_lettered_total',
    help: 'Records or events refused and sent to the dead-letter queue',
    labelNames: ['source', 'stream', 'stage'],
    registers: [this.registry],
  });
  readonly pullFailures = new Counter({
    name: 'ioc_connector_pull_failures_total',
    help: 'Pulls that ended with an error',
    labelNames: ['source'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The metrics handle a connector's read context gets. */
  forStream(source: string, stream: string): ConnectorMetrics {
    return { increment: (name, by = 1) => this.connectorCounter.inc({ source, stream, name }, by) };
  }
}
