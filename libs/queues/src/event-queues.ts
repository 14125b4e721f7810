import { Queue, type Job } from 'bullmq';
import { partitionQueuePrefix, QueueName, splitByPartition, type EventBatchJob, type EventBatchResult } from '@ioc/contracts';
import type { RedisClient } from '@ioc/platform';
import { DEFAULT_JOB_OPTIONS } from './job-options';

export type EventBatchQueue = Queue<EventBatchJob, EventBatchResult>;

/** A batch to queue: the job's name, its payload and its deterministic id. */
export interface EventBatchToQueue {
  name: string;
  data: EventBatchJob;
  jobId: string;
}

/** One queued piece of a batch: the partition it went to and its BullMQ job. */
export interface QueuedEventBatch {
  partition: number;
  job: Job<EventBatchJob, EventBatchResult>;
}

/**
 * The events queues of a deployment, one per aggregation partition (see @ioc/contracts
 * partitions). Every producer of event batches goes through `add`: it splits each batch by
 * partition and queues each piece, with the queue's default job options, under the batch's own
 * deterministic id in that partition's queue, so re-queuing a batch stays a no-op everywhere.
 * With one partition this is the plain events queue.
 */
export class EventQueues {
  readonly queues: readonly EventBatchQueue[];

  constructor(
    connection: RedisClient,
    prefix: string,
    readonly partitions: number,
  ) {
    this.queues = Array.from(
      { length: partitions },
      (_, partition) =>
        new Queue<EventBatchJob, EventBatchResult>(QueueName.Events, { connection, prefix: partitionQueuePrefix(prefix, partition) }),
    );
  }

  queue(partition: number): EventBatchQueue {
    const queue = this.queues[partition];
    if (!queue) throw new Error(`no events queue for partition ${partition} (AGGREGATION_PARTITIONS is ${this.partitions})`);
    return queue;
  }

  async add(batches: readonly EventBatchToQueue[]): Promise<QueuedEventBatch[]> {
    const byPartition = new Map<number, { name: string; data: EventBatchJob; opts: { jobId: string } }[]>();
    for (const { name, data, jobId } of batches) {
      for (const [partition, events] of splitByPartition(data.events, this.partitions)) {
        const list = byPartition.get(partition) ?? [];
        list.push({ name, data: { ...data, events }, opts: { jobId } });
        byPartition.set(partition, list);
      }
    }
    const queued = await Promise.all(
      [...byPartition].map(async ([partition, jobs]) => {
        const added = await this.queue(partition).addBulk(
          jobs.map(({ name, data, opts }) => ({ name, data, opts: { ...DEFAULT_JOB_OPTIONS[QueueName.Events], ...opts } })),
        );
        return added.map((job) => ({ partition, job }));
      }),
    );
    return queued.flat();
  }

  /** Workers listening on every partition's queue: 0 when some partition has none. */
  async minWorkersCount(): Promise<number> {
    const counts = await Promise.all(this.queues.map((queue) => queue.getWorkersCount()));
    return Math.min(...counts);
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close()));
  }
}
