import { redisKeyTag } from '@ioc/contracts';
import { RedisLease } from '@ioc/platform';
import { createTestRedis, type TestRedis } from '../../support';

describe('RedisLease (real Redis)', () => {
  let redis: TestRedis;
  let key: string;

  beforeEach(async () => {
    redis = await createTestRedis();
    key = `${redisKeyTag(redis.prefix)}:lease`;
  });
  afterEach(() => redis.cleanup());

  it('is held by one holder at a time, says who holds it, and frees on release', async () => {
    const first = await RedisLease.tryAcquire(redis.client, key, 10_000, 'process-a');
    expect(first.lease).not.toBeNull();
    expect(await RedisLease.tryAcquire(redis.client, key, 10_000, 'process-b')).toEqual({ lease: null, holder: 'process-a' });
    expect(await first.lease!.release()).toBe(true);
    expect((await RedisLease.tryAcquire(redis.client, key, 10_000, 'process-b')).lease?.holder).toBe('process-b');
  });

  it('cannot be released or extended by a former holder once it expired and another took it', async () => {
    const stale = (await RedisLease.tryAcquire(redis.client, key, 50)).lease!;
    await new Promise((resolve) => setTimeout(resolve, 80));
    const current = (await RedisLease.tryAcquire(redis.client, key, 10_000)).lease!;
    expect(await stale.release()).toBe(false);
    expect(await stale.extend(10_000)).toBe(false);
    expect(await redis.client.get(key)).toBe(current.holder);
    expect(await current.extend(20_000)).toBe(true);
    expect(await redis.client.pttl(key)).toBeGreaterThan(10_000);
  });

  it('serialises work across waiters, each reading in the attempt that takes it, and gives up after the wait with the key named', async () => {
    const counter = `${key}:counter`;
    await redis.client.set(counter, '0');
    const order: string[] = [];
    // Read-modify-write under the lease: a read taken outside it would lose an increment.
    const work = async (name: string): Promise<void> => {
      const { lease, read } = await RedisLease.acquireReading(redis.client, key, { waitMs: 5000, retryMs: 5 }, async (holder) =>
        (await redis.client.set(key, holder, 'PX', 5000, 'NX')) === 'OK' ? { read: Number(await redis.client.get(counter)) } : null,
      );
      order.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await redis.client.set(counter, String(read + 1));
      order.push(`${name} out`);
      expect(await lease.release()).toBe(true);
    };
    await Promise.all([work('a'), work('b'), work('c')]);
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i]!.replace(' in', ' out'));
    expect(await redis.client.get(counter)).toBe('3');

    await RedisLease.tryAcquire(redis.client, key, 10_000, 'someone-else');
    await expect(RedisLease.acquire(redis.client, key, 1000, { waitMs: 100 })).rejects.toThrow(`waiting for lease ${key}`);
  });
});
