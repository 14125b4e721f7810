import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QueueName, type SourcePullJob } from '@ioc/contracts';
import { SyncService, type PullReport } from './sync.service';

/** Runs scheduled pulls and backfills; a few sources at a time, each source one pull at a time. */
@Processor(QueueName.SourcePull, { concurrency: 4 })
export class SourcePullProcessor extends WorkerHost {
  constructor(private readonly sync: SyncService) {
    super();
  }

  process(job: Job<SourcePullJob>): Promise<PullReport> {
    return this.sync.pull(job.data);
  }
}
