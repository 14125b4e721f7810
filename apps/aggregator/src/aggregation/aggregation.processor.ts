import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { redisTopologyOf } from '@ioc/config';
import {
  partitionQueuePrefix,
  QueueName,
  partitionOfRaw,
  type DeadLetterEntry,
  type EventBatchJob,
  type NormalizedEvent,
} from '@ioc/contracts';
import { type EventLimits, validateEvent } from '@ioc/indicators';
import { currentTraceCarrier, inSpan, SpanKind, createRedisClient, type RedisClient } from '@ioc/platform';
import { EventQueues } from '@ioc/queues';
import { CatalogService } from '../catalog/catalog.service';
import { CLOCK, type Clock } from '../clock/clock';
import { AggregatorConfig } from '../config/aggregator-config';
import { AggregatorMetricsService } from '../metrics/aggregator-metrics.service';
import { BatchTracesService } from './batch-traces.service';
import { DeadLetterService } from './dead-letter.service';
import { StateChangesService } from './state-changes.service';
import { StateStoreService } from './state-store.service';

/**
 * Consumes event batches from the events queue of each partition it owns (AGGREGATOR_PARTITIONS):
 * refuses invalid events to the dead-letter queue, applies the rest to the partition's Redis state
 * exactly once (idempotency keys checked in the same atomic script). Safe to redeliver, safe to
 * run in several processes. The BullMQ workers are built here rather than by @Processor so their
 * queues, lock and stall settings come from the validated config.
 */
@Injectable()
export class AggregationProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AggregationProcessor.name);
  private workers: Worker<EventBatchJob>[] = [];
  private connection?: RedisClient;
  private readonly limits: EventLimits;

  constructor(
    private readonly catalog: CatalogService,
    private readonly store: StateStoreService,
    private readonly deadLetters: DeadLetterService,
    private readonly config: AggregatorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: AggregatorMetricsService,
    private readonly batchTraces: BatchTracesService,
    private readonly changes: StateChangesService,
    private readonly eventQueues: EventQueues,
  ) {
    this.limits = config.eventLimits();
  }

  onApplicationBootstrap(): void {
    const { REDIS_PREFIX, AGGREGATOR_CONCURRENCY, AGGREGATOR_JOB_LOCK_MS } = this.config;
    const connection = createRedisClient(redisTopologyOf(this.config));
    this.connection = connection;
    const owned = this.config.ownedPartitions();
    this.workers = owned.map((partition) => {
      const worker = new Worker<EventBatchJob>(QueueName.Events, (job) => this.processInSpan(job, partition), {
        connection,
        prefix: partitionQueuePrefix(REDIS_PREFIX, partition),
        concurrency: AGGREGATOR_CONCURRENCY,
        // A crashed process's batches come back after one lock period; re-processing them is harmless.
        lockDuration: AGGREGATOR_JOB_LOCK_MS,
        stalledInterval: AGGREGATOR_JOB_LOCK_MS,
        maxStalledCount: 100,
      });
      worker.on('failed', (job, error) =>
        this.logger.error({ jobId: job?.id, partition, attempts: job?.attemptsMade }, `Batch failed: ${error.message}`),
      );
      worker.on('error', (error) => this.logger.error({ partition }, `Worker error: ${error.message}`));
      return worker;
    });
    if (this.config.AGGREGATION_PARTITIONS > 1) {
      this.logger.log(`Consuming partitions ${owned.join(', ')} of ${this.config.AGGREGATION_PARTITIONS}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
    await this.connection?.quit();
  }

  /** One span per batch, continuing the trace of the pull or push that queued it. */
  private processInSpan(job: Job<EventBatchJob>, partition: number): Promise<{ applied: number; refused: number }> {
    const attributes = {
      'messaging.message.id': job.id ?? '',
      'ioc.source_id': job.data?.sourceId ?? '',
      'ioc.stream': job.data?.stream ?? '',
      'ioc.partition': partition,
    };
    return inSpan('aggregate.batch', { kind: SpanKind.CONSUMER, attributes, parent: job.data?.trace }, async (span) => {
      const result = await this.process(job, partition);
      span.setAttributes({ 'ioc.events.applied': result.applied, 'ioc.events.refused': result.refused });
      if (result.applied > 0) await this.batchTraces.note(currentTraceCarrier());
      return result;
    });
  }

  async process(job: Job<EventBatchJob>, partition: number): Promise<{ applied: number; refused: number }> {
    const { tree, terms } = this.catalog.current();
    const now = this.clock.now();
    const rules = { tree, terms, now, limits: this.limits };
    const events = await this.ownEvents(job, partition);
    const valid: NormalizedEvent[] = [];
    const refused: DeadLetterEntry[] = [];
    // Indexes are the job's own, so a dead letter names the event where its producer put it.
    for (const [index, event] of events) {
      const verdict = validateEvent(event, rules);
      if (verdict.ok) valid.push(verdict.event);
      else {
        refused.push({
          reason: `events[${index}]: ${verdict.reason}`,
          fields: verdict.fields,
          sourceId: job.data?.sourceId ?? null,
          stream: job.data?.stream ?? null,
          stage: 'aggregator',
          raw: event,
          at: now.toISOString(),
        });
      }
    }
    if (!Array.isArray(job.data?.events)) {
      refused.push({
        reason: 'job data has no events array',
        fields: ['events'],
        sourceId: null,
        stream: null,
        stage: 'aggregator',
        raw: job.data,
        at: now.toISOString(),
      });
    }
    await this.deadLetters.refuse(refused, job.id);
    const applied = valid.length > 0 ? await this.store.apply(partition, valid, terms, now.getTime()) : 0;
    // Gauge readings change the state without counting as applied: any valid event may move a value.
    if (valid.length > 0) this.changes.changed(new Set(valid.map((event) => event.kind)));
    this.count(job, applied, valid.length - applied, refused.length);
    this.logger.debug(
      { jobId: job.id, partition, sourceId: job.data?.sourceId, events: events.length, applied, refused: refused.length },
      'Batch aggregated',
    );
    return { applied, refused: refused.length };
  }

  /**
   * The job's events that belong to this partition. Others (a producer with another
   * AGGREGATION_PARTITIONS, or jobs queued before it changed) go on to their own partitions'
   * queues first, under ids derived from this job's, so each idempotency key is still checked
   * in one place and a redelivery forwards nothing twice.
   */
  private async ownEvents(job: Job<EventBatchJob>, partition: number): Promise<[index: number, event: unknown][]> {
    const events = Array.isArray(job.data?.events) ? [...(job.data.events as unknown[]).entries()] : [];
    const partitions = this.config.AGGREGATION_PARTITIONS;
    if (partitions === 1) return events;
    const own: [number, unknown][] = [];
    const foreign: unknown[] = [];
    for (const entry of events) {
      if (partitionOfRaw(entry[1], partitions) === partition) own.push(entry);
      else foreign.push(entry[1]);
    }
    if (foreign.length === 0) return own;
    this.logger.warn(
      { jobId: job.id, partition, forwarded: foreign.length },
      `Batch holds events of other partitions: forwarded to their queues (is a producer running with another AGGREGATION_PARTITIONS than ${partitions}?)`,
    );
    const data = { ...job.data, events: foreign as NormalizedEvent[] };
    await this.eventQueues.add([{ name: 'forwarded', data, jobId: `${job.id}-from-p${partition}` }]);
    return own;
  }

  private count(job: Job<EventBatchJob>, applied: number, duplicates: number, refused: number): void {
    this.metrics.batches.inc();
    this.metrics.events.inc({ outcome: 'applied' }, applied);
    this.metrics.events.inc({ outcome: 'duplicate' }, duplicates);
    this.metrics.events.inc({ outcome: 'refused' }, refused);
    if (job.processedOn !== undefined) this.metrics.queueWait.observe(Math.max(0, job.processedOn - job.timestamp) / 1000);
    if (applied > 0) this.metrics.applied(job.timestamp);
  }
}
