import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@ioc/platform';

const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];
const ROUND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** Prometheus metrics of the aggregator: batches, events, dead letters, lags, alerts (served on AGGREGATOR_METRICS_PORT). */
@Injectable()
export class AggregatorMetricsService {
  readonly batches: Counter;
  /** Events by outcome: applied (counted), duplicate (already counted), refused (dead-lettered). */
  readonly events: Counter<'outcome'>;
  readonly deadLetters: Counter<'source' | 'field'>;
  readonly queueWait: Histogram;
  readonly publishLag: Histogram;
  readonly publishedUpdates: Counter;
  readonly publishRounds: Histogram<'scope'>;
  readonly alertEvaluations: Counter<'trigger'>;
  readonly alertTransitions: Counter<'event'>;
  readonly notifications: Counter<'channel' | 'outcome'>;
  /** Queue time of the oldest batch applied by this process and not yet published. */
  private oldestUnpublished: number | null = null;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.batches = new Counter({ name: 'ioc_aggregator_batches_total', help: 'Event batches processed', registers });
    this.events = new Counter({
      name: 'ioc_aggregator_events_total',
      help: 'Events processed, by outcome (applied, duplicate, refused)',
      labelNames: ['outcome'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'ioc_aggregator_dead_letters_total',
      help: 'Events refused to the dead-letter queue, by source and first field at fault (the reason)',
      labelNames: ['source', 'field'],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'ioc_aggregator_queue_wait_seconds',
      help: 'Time an event batch waited in the events queue before processing',
      buckets: LAG_BUCKETS,
      registers,
    });
    this.publishLag = new Histogram({
      name: 'ioc_aggregator_publish_lag_seconds',
      help: 'From an event batch entering the events queue to the indicator updates it caused reaching the stream',
      buckets: LAG_BUCKETS,
      registers,
    });
    this.publishedUpdates = new Counter({
      name: 'ioc_aggregator_published_updates_total',
      help: 'Indicator updates written to the stream',
      registers,
    });
    this.publishRounds = new Histogram({
      name: 'ioc_aggregator_publish_round_seconds',
      help: 'Duration of a publish round (recompute, signatures, stream write), by scope: full recompute or change round',
      labelNames: ['scope'],
      buckets: ROUND_BUCKETS,
      registers,
    });
    this.alertEvaluations = new Counter({
      name: 'ioc_alert_evaluations_total',
      help: 'Alert rule evaluations, by trigger (indicator update, source health, clock tick)',
      labelNames: ['trigger'],
      registers,
    });
    this.alertTransitions = new Counter({
      name: 'ioc_alert_transitions_total',
      help: 'Alerts fired or resolved',
      labelNames: ['event'],
      registers,
    });
    this.notifications = new Counter({
      name: 'ioc_alert_notifications_total',
      help: 'Notification delivery attempts, by channel and outcome (sent, retry, failed, expired)',
      labelNames: ['channel', 'outcome'],
      registers,
    });
  }

  /** A batch queued at `enqueuedAt` (ms) changed the state: its updates are due at the next publish. */
  applied(enqueuedAt: number): void {
    if (this.oldestUnpublished === null || enqueuedAt < this.oldestUnpublished) this.oldestUnpublished = enqueuedAt;
  }

  /** Updates reached the stream at `now` (ms): the lag since the oldest batch behind them. */
  published(updates: number, now: number): void {
    this.publishedUpdates.inc(updates);
    if (this.oldestUnpublished === null || updates === 0) return;
    this.publishLag.observe(Math.max(0, now - this.oldestUnpublished) / 1000);
    this.oldestUnpublished = null;
  }
}
