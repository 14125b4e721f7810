import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { decodeStreamEntry, QueueName, SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import { InjectTypedQueue, REDIS_CLIENT, type TypedQueue } from '@ioc/queues';
import { PeriodicTask, type RedisClient } from '@ioc/platform';
import { AggregatorConfig } from '../config/aggregator-config';
import { AlertEvaluatorService } from './alert-evaluator.service';
import { AlertNotifierService } from './alert-notifier.service';

export const ALERT_CONSUMER_GROUP = 'alerts';
const BATCH = 100;
const BLOCK_MS = 1000;
/** Entries a crashed consumer left unacknowledged for this long are claimed by a live one. */
const CLAIM_IDLE_MS = 60_000;

/** Fields are null for a pending entry that MAXLEN trimmed away before it was re-read. */
type StreamEntry = [id: string, fields: string[] | null];

/**
 * Reads the indicator-updates and source-health streams as consumer group "alerts" (one entry
 * goes to one process; a restart resumes after the last acknowledged entry, first re-reading
 * its own unacknowledged ones), feeds the evaluator, and runs the time-driven alert work on a timer.
 */
@Injectable()
export class AlertStreamsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertStreamsProcessor.name);
  private readonly streams: { indicators: string; health: string };
  private reader: RedisClient | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly ticks: PeriodicTask;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly config: AggregatorConfig,
    private readonly evaluator: AlertEvaluatorService,
    private readonly notifier: AlertNotifierService,
    @InjectTypedQueue(QueueName.DeadLetter) private readonly deadLetters: TypedQueue<typeof QueueName.DeadLetter>,
  ) {
    this.streams = {
      indicators: sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.IndicatorUpdates),
      health: sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.SourceHealth),
    };
    this.ticks = new PeriodicTask('Alert tick', config.ALERT_EVALUATION_INTERVAL_MS, () => this.tickOnce(), this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const stream of Object.values(this.streams)) {
      // "$": a new group starts with what arrives from now on; later starts resume where the group is.
      await this.redis.xgroup('CREATE', stream, ALERT_CONSUMER_GROUP, '$', 'MKSTREAM').catch((error: Error) => {
        if (!error.message.includes('BUSYGROUP')) throw error;
      });
    }
    await this.evaluator.reloadCatalog();
    this.reader = this.redis.duplicate();
    this.running = true;
    this.loop = this.consume().catch((error: unknown) => this.logger.error({ err: error }, 'Alert stream consumer stopped'));
    if (this.config.ALERT_EVALUATION_INTERVAL_MS > 0) this.ticks.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.ticks.stop();
    await this.loop;
    this.reader?.disconnect();
  }

  /** Time-driven evaluation, then grouping/escalation/notification; one at a time per process. */
  tick(): Promise<void> {
    return this.ticks.runNow();
  }

  private async tickOnce(): Promise<void> {
    await this.claimAbandoned();
    await this.evaluator.tick();
    await this.notifier.tick();
  }

  private async consume(): Promise<void> {
    const keys = [this.streams.indicators, this.streams.health];
    // First our own entries delivered before a crash but never acknowledged, then new ones.
    let cursor = '0';
    while (this.running) {
      try {
        const reply = (await this.reader!.xreadgroup(
          'GROUP',
          ALERT_CONSUMER_GROUP,
          this.config.ALERT_CONSUMER_NAME,
          'COUNT',
          BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...keys,
          ...keys.map(() => cursor),
        )) as [string, StreamEntry[]][] | null;
        const entries = (reply ?? []).flatMap(([stream, list]) => list.map((entry) => ({ stream, entry })));
        if (cursor === '0' && entries.length === 0) cursor = '>';
        await this.handleAll(entries);
      } catch (error) {
        if (!this.running) break;
        this.logger.error({ err: error }, 'Reading alert streams failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async claimAbandoned(): Promise<void> {
    for (const stream of Object.values(this.streams)) {
      const [, entries] = (await this.redis.xautoclaim(
        stream,
        ALERT_CONSUMER_GROUP,
        this.config.ALERT_CONSUMER_NAME,
        CLAIM_IDLE_MS,
        '0-0',
        'COUNT',
        BATCH,
      )) as [string, StreamEntry[]];
      await this.handleAll(entries.map((entry) => ({ stream, entry })));
    }
  }

  /**
   * Processes entries in order, then acknowledges them with one XACK per stream (one round trip
   * per read, not per entry: acknowledging one by one took a fifth of the aggregator's CPU). A
   * crash before the XACK redelivers them, which evaluation tolerates.
   */
  private async handleAll(entries: { stream: string; entry: StreamEntry }[]): Promise<void> {
    if (entries.length === 0) return;
    for (const { stream, entry } of entries) await this.handle(stream, entry);
    const idsByStream = new Map<string, string[]>();
    for (const { stream, entry } of entries) {
      const ids = idsByStream.get(stream);
      if (ids) ids.push(entry[0]);
      else idsByStream.set(stream, [entry[0]]);
    }
    const pipeline = this.redis.pipeline();
    for (const [stream, ids] of idsByStream) pipeline.xack(stream, ALERT_CONSUMER_GROUP, ...ids);
    await pipeline.exec();
  }

  /** Processes one entry; a malformed one goes to the dead-letter queue. The caller acknowledges it. */
  private async handle(stream: string, [id, fields]: StreamEntry): Promise<void> {
    if (!fields) return;
    if (stream === this.streams.indicators) {
      const decoded = decodeStreamEntry(SharedRedisKey.IndicatorUpdates, fields);
      if (decoded.ok) await this.evaluator.onIndicatorUpdate(decoded.payload);
      else await this.deadLetter(stream, [id, fields], decoded);
    } else {
      const decoded = decodeStreamEntry(SharedRedisKey.SourceHealth, fields);
      if (decoded.ok) await this.evaluator.onSourceHealth(decoded.payload);
      else await this.deadLetter(stream, [id, fields], decoded);
    }
  }

  private async deadLetter(
    stream: string,
    [id, fields]: StreamEntry,
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
