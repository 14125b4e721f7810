import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { decodeStreamEntry, type IndicatorUpdate, QueueName, SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import { InjectTypedQueue, REDIS_CLIENT, type TypedQueue } from '@ioc/queues';
import { PeriodicTask, StreamConsumerGroup, type GroupEntry, type RedisClient } from '@ioc/platform';
import { AggregatorConfig } from '../config/aggregator-config';
import { AlertEvaluatorService } from './alert-evaluator.service';
import { AlertNotifierService } from './alert-notifier.service';

export const ALERT_CONSUMER_GROUP = 'alerts';

/**
 * Reads the indicator-updates and source-health streams as consumer group "alerts" (one entry
 * goes to one process; a restart resumes after the last acknowledged entry, first re-reading
 * its own unacknowledged ones), feeds the evaluator, and runs the time-driven alert work on a timer.
 */
@Injectable()
export class AlertStreamsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertStreamsProcessor.name);
  private readonly streams: { indicators: string; health: string };
  private readonly consumer: StreamConsumerGroup;
  private readonly ticks: PeriodicTask;

  constructor(
    @Inject(REDIS_CLIENT) redis: RedisClient,
    private readonly config: AggregatorConfig,
    private readonly evaluator: AlertEvaluatorService,
    private readonly notifier: AlertNotifierService,
    @InjectTypedQueue(QueueName.DeadLetter) private readonly deadLetters: TypedQueue<typeof QueueName.DeadLetter>,
  ) {
    this.streams = {
      indicators: sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.IndicatorUpdates),
      health: sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.SourceHealth),
    };
    this.consumer = new StreamConsumerGroup(
      redis,
      { streams: [this.streams.indicators, this.streams.health], group: ALERT_CONSUMER_GROUP, consumer: config.ALERT_CONSUMER_NAME },
      (entries) => this.handle(entries),
      this.logger,
    );
    this.ticks = new PeriodicTask('Alert tick', config.ALERT_EVALUATION_INTERVAL_MS, () => this.tickOnce(), this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.evaluator.reloadCatalog();
    await this.consumer.start();
    if (this.config.ALERT_EVALUATION_INTERVAL_MS > 0) this.ticks.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.ticks.stop();
    await this.consumer.stop();
  }

  /** Time-driven evaluation, then grouping/escalation/notification; one at a time per process. */
  tick(): Promise<void> {
    return this.ticks.runNow();
  }

  private async tickOnce(): Promise<void> {
    await this.consumer.claimAbandoned();
    await this.evaluator.tick();
    await this.notifier.tick();
  }

  /**
   * Processes one read: its indicator updates stepped together (in stream order), then its source
   * health entries one by one; a malformed entry goes to the dead-letter queue. The consumer group
   * acknowledges the read.
   */
  private async handle(entries: GroupEntry[]): Promise<void> {
    const updates: IndicatorUpdate[] = [];
    const health: { stream: string; id: string; fields: string[] }[] = [];
    for (const { stream, id, fields } of entries) {
      if (!fields) continue;
      if (stream !== this.streams.indicators) {
        health.push({ stream, id, fields });
        continue;
      }
      const decoded = decodeStreamEntry(SharedRedisKey.IndicatorUpdates, fields);
      if (decoded.ok) updates.push(decoded.payload);
      else await this.deadLetter(stream, id, fields, decoded);
    }
    if (updates.length > 0) await this.evaluator.onIndicatorUpdates(updates);
    for (const { stream, id, fields } of health) {
      const decoded = decodeStreamEntry(SharedRedisKey.SourceHealth, fields);
      if (decoded.ok) await this.evaluator.onSourceHealth(decoded.payload);
      else await this.deadLetter(stream, id, fields, decoded);
    }
  }

  private async deadLetter(
    stream: string,
    id: string,
    fields: string[],
    problem: { reason: string; fields: string[]; raw: string | undefined },
  ): Promise<void> {
    await this.deadLetters.add(
      'alert-stream-entry',
      {
        reason: `Unusable ${stream} entry ${id}: ${problem.reason}`,
        fields: problem.fields,
        sourceId: null,
        stream,
        stage: 'aggregator',
        raw: problem.raw ?? fields,
        at: new Date().toISOString(),
      },
      { jobId: `alerts-${stream}-${id}`.replace(/:/g, '_') },
    );
    this.logger.warn({ stream, entryId: id, fields: problem.fields }, problem.reason);
  }
}
