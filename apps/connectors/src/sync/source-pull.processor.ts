import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QueueName, type SourcePullJob } from '@ioc/contracts';
import { inSpan, SpanKind } from '@ioc/platform';
import { SyncService, type PullReport } from './sync.service';

/** Runs scheduled pulls and backfills; a few sources at a time, each source one pull at a time. */
@Processor(QueueName.SourcePull, { concurrency: 4 })
export class SourcePullProcessor extends WorkerHost {
  constructor(private readonly sync: SyncService) {
    super();
  }

  process(job: Job<SourcePullJob>): Promise<PullReport> {
    const attributes = {
      'ioc.source_id': job.data.sourceId,
      'messaging.message.id': job.id ?? '',
      'ioc.backfill': job.data.backfill !== undefined,
    };
    return inSpan('source.pull', { kind: SpanKind.CONSUMER, attributes }, async (span) => {
      const report = await this.sync.pull(job.data);
      span.setAttributes({
        'ioc.pull.status': report.status,
        'ioc.events.queued': report.events,
        'ioc.events.dead_lettered': report.deadLettered,
      });
      return report;
    });
  }
}
