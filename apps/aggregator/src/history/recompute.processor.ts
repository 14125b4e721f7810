import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueName, type RecomputeJob, type RecomputeProgress, type RecomputeResult } from '@ioc/contracts';
import { HistoryService } from './history.service';

/** Takes operators' recompute requests (REST or `npm run recompute`) one at a time, reporting progress on the job. */
@Processor(QueueName.Maintenance, { concurrency: 1 })
export class RecomputeProcessor extends WorkerHost {
  private readonly logger = new Logger(RecomputeProcessor.name);

  constructor(private readonly history: HistoryService) {
    super();
  }

  async process(job: Job<RecomputeJob>): Promise<RecomputeResult> {
    this.logger.log({ jobId: job.id, ...job.data }, 'Recomputing history');
    return this.history.recomputePeriod(job.data, (progress: RecomputeProgress) => job.updateProgress(progress as unknown as object));
  }
}
