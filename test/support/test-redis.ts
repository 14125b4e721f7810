import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { redisQueuePrefix } from '@ioc/contracts';

/** REDIS_URL (the global setup sets it to an embedded Redis when none answers), else the local default. */
export const testRedisUrl = (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  /** Use as REDIS_PREFIX: every key of the test lives under its hash tag. */
  prefix: string;
  /** BullMQ's `prefix` for the test's queues (as the apps set it). */
  queuePrefix: string;
  url: string;
  client: Redis;
  /** Deletes every key under the prefix (partitions included) and closes the client. */
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `ioc-test-${randomBytes(6).toString('hex')}`;
  const url = testRedisUrl();
  const client = new Redis(url);
  return {
    prefix,
    queuePrefix: redisQueuePrefix(prefix),
    url,
    client,
    cleanup: async () => {
      let cursor = '0';
      do {
        // The deployment's tag `{prefix}` and its aggregation partitions' `{prefix:p<N>}`.
        const [next, keys] = await client.scan(cursor, 'MATCH', `{${prefix}[}:]*`, 'COUNT', 1000);
        if (keys.length > 0) await client.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
      await client.quit();
    },
  };
}
