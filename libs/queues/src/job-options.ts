import type { JobsOptions } from 'bullmq';
import { QueueName } from '@ioc/contracts';

/**
 * Default job options per queue, owned here so every producer of a queue retries and
 * cleans up the same way. Producers add deterministic job ids on top.
 */
export const DEFAULT_JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  [QueueName.Events]: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: false,
  },
  // Dead letters are the record of what was refused: keep them until an operator acts.
  [QueueName.DeadLetter]: { attempts: 1, removeOnComplete: false, removeOnFail: false },
  [QueueName.SourcePull]: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
  [QueueName.Notifications]: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: false,
  },
  // A recompute is asked for again by hand rather than retried; its outcome is kept a week.
  [QueueName.Maintenance]: { attempts: 1, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
};
