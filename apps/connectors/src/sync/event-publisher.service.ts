import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { QueueName, type DeadLetterEntry, type NormalizedEvent } from '@ioc/contracts';
import type { RefusedRecord } from '@ioc/connector-sdk';
import { insertSourceEvents, PrismaService } from '@ioc/persistence';
import { currentTraceCarrier } from '@ioc/platform';
import { DEFAULT_JOB_OPTIONS, EventQueues, InjectTypedQueue, type TypedQueue } from '@ioc/queues';
import { ConnectorsConfig } from '../config/connectors-config';
import { ConnectorMetricsService } from '../metrics/connector-metrics.service';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 40);

/**
 * Puts validated events on the events queues (of their partitions) in batches and refused records on the dead-letter
 * queue. Job ids derive from the content, so re-queuing the same batch after a crash is a no-op
 * while the first job is still kept.
 */
@Injectable()
export class EventPublisherService {
  constructor(
    private readonly events: EventQueues,
    @InjectTypedQueue(QueueName.DeadLetter) private readonly deadLetters: TypedQueue<typeof QueueName.DeadLetter>,
    private readonly prisma: PrismaService,
    private readonly config: ConnectorsConfig,
    private readonly metrics: ConnectorMetricsService,
  ) {}

  /** Resolves once every event is stored and every batch queued: only then may the caller save its cursor. */
  async publish(sourceId: string, stream: string, events: NormalizedEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const size = this.config.EVENT_BATCH_SIZE;
    const trace = currentTraceCarrier();
    const jobs = [];
    for (let start = 0; start < events.length; start += size) {
      const chunk = events.slice(start, start + size);
      const jobId = `batch-${digest(`${sourceId}\n${stream}\n${chunk.map((e) => e.idempotencyKey).join('\n')}`)}`;
      jobs.push({ name: 'event-batch', data: { sourceId, stream, events: chunk, ...(trace ? { trace } : {}) }, jobId });
    }
    // Kept as received so an indicator can be recomputed for a past period; re-reads are no-ops.
    await insertSourceEvents(
      this.prisma,
      events.map((event) => ({ ...event, sourceId, stream })),
    );
    await this.events.add(jobs);
    this.metrics.eventsQueued.inc({ source: sourceId, stream }, events.length);
    return jobs.length;
  }

  /** Dead-letters refused records with their reason and counts them on the source's health. */
  async deadLetter(
    sourceId: string | null,
    stream: string | null,
    refused: RefusedRecord[],
    stage: DeadLetterEntry['stage'],
  ): Promise<void> {
    if (refused.length === 0) return;
    const at = new Date().toISOString();
    await this.deadLetters.addBulk(
      refused.map((record) => ({
        name: 'refused',
        data: { reason: record.reason, fields: record.fields, sourceId, stream, stage, raw: record.raw, at },
        opts: {
          ...DEFAULT_JOB_OPTIONS[QueueName.DeadLetter],
          jobId: `dead-${digest(`${sourceId}\n${stream}\n${stage}\n${JSON.stringify(record.raw)}`)}`,
        },
      })),
    );
    this.metrics.deadLettered.inc({ source: sourceId ?? 'unknown', stream: stream ?? 'unknown', stage }, refused.length);
    if (sourceId) {
      await this.prisma.source.update({ where: { id: sourceId }, data: { deadLetterCount: { increment: refused.length } } });
    }
  }
}
