import { Queue } from 'bullmq';
import { QueueName, type DeadLetterEntry, type EventBatchJob, type NormalizedEvent } from '@ioc/contracts';
import type { TestRedis } from './test-redis';

const ALL_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'paused'] as const;

/** Every event queued under the test's prefix, deduplicated by idempotency key (as the aggregator does). */
export async function queuedEvents(redis: TestRedis): Promise<{ byKey: Map<string, NormalizedEvent>; total: number; jobs: number }> {
  const queue = new Queue<EventBatchJob>(QueueName.Events, { connection: { url: redis.url }, prefix: redis.queuePrefix });
  try {
    const jobs = await queue.getJobs([...ALL_STATES]);
    const byKey = new Map<string, NormalizedEvent>();
    let total = 0;
    for (const job of jobs) {
      for (const event of job.data.events) {
        byKey.set(event.idempotencyKey, event);
        total += 1;
      }
    }
    return { byKey, total, jobs: jobs.length };
  } finally {
    await queue.close();
  }
}

export async function deadLetters(redis: TestRedis): Promise<DeadLetterEntry[]> {
  const queue = new Queue<DeadLetterEntry>(QueueName.DeadLetter, { connection: { url: redis.url }, prefix: redis.queuePrefix });
  try {
    return (await queue.getJobs([...ALL_STATES])).map((job) => job.data);
  } finally {
    await queue.close();
  }
}
