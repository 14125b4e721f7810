import { Logger } from '@nestjs/common';
import { redisKeyTag } from '@ioc/contracts';
import { StreamTail, type RawStreamEntry } from '@ioc/platform';
import { createTestRedis, waitFor, type TestRedis } from '../../support';

describe('StreamTail (real Redis)', () => {
  let redis: TestRedis;
  let reader: StreamTail | undefined;

  beforeEach(async () => {
    redis = await createTestRedis();
  });
  afterEach(async () => {
    await reader?.stop();
    await redis.cleanup();
  });

  it('reports a gap when the stream goes back behind what it read, as after a failover that lost the last entries', async () => {
    const key = `${redisKeyTag(redis.prefix)}:updates`;
    await redis.client.xadd(key, '1-1', 'u', 'a');
    const read: string[] = [];
    let gaps = 0;
    reader = new StreamTail(
      { kind: 'single', url: redis.url },
      key,
      new Logger('test'),
      (entries: RawStreamEntry[]) => read.push(...entries.map(([id]) => id)),
      () => (gaps += 1),
    );
    await reader.start();
    await redis.client.xadd(key, '1-2', 'u', 'b');
    await redis.client.xadd(key, '1-3', 'u', 'c');
    await waitFor(async () => (read.includes('1-3') ? true : undefined), 5000, 'the reader to read 1-3');
    expect(gaps).toBe(0);

    // The promoted replica had only the first entry.
    await redis.client.del(key);
    await redis.client.xadd(key, '1-1', 'u', 'a');
    await waitFor(async () => (gaps > 0 ? true : undefined), 5000, 'the reader to report the gap');
    expect(gaps).toBe(1);

    // It reads on from where the stream now ends.
    await redis.client.xadd(key, '1-2', 'u', 'b2');
    await waitFor(async () => (read.filter((id) => id === '1-2').length === 2 ? true : undefined), 5000, 'the reader to read the new 1-2');
  });
});
