import { eventPartitionOf, partitionKeyTag, partitionOfRaw, splitByPartition } from './partitions';

describe('event partitions', () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => `src-${i % 7}:dossier-${i}:resolved`);

  it('keeps one partition with the unpartitioned layout: the deployment tag, every key in partition 0', () => {
    expect(partitionKeyTag('ioc', 0)).toBe('{ioc}');
    expect(keys.every((key) => eventPartitionOf(key, 1) === 0)).toBe(true);
  });

  it('gives other partitions tags of their own, so a Cluster can place them on other shards', () => {
    expect(new Set([0, 1, 2, 3].map((p) => partitionKeyTag('ioc', p)))).toEqual(new Set(['{ioc}', '{ioc:p1}', '{ioc:p2}', '{ioc:p3}']));
  });

  it('is stable: the same key always lands in the same partition', () => {
    expect(eventPartitionOf('src-1:dossier-42:resolved', 4)).toBe(eventPartitionOf('src-1:dossier-42:resolved', 4));
    // FNV-1a's published test vectors: a change of hash would move every key's deduplication elsewhere.
    expect(eventPartitionOf('a', 1 << 30)).toBe(0xe40c292c % (1 << 30));
    expect(eventPartitionOf('foobar', 1 << 30)).toBe(0xbf9cf968 % (1 << 30));
  });

  it.each([2, 3, 4, 8])('spreads keys evenly over %i partitions (each within 10%% of its share)', (partitions) => {
    const counts = new Array<number>(partitions).fill(0);
    for (const key of keys) counts[eventPartitionOf(key, partitions)]! += 1;
    const share = keys.length / partitions;
    for (const count of counts) expect(Math.abs(count - share) / share).toBeLessThan(0.1);
  });

  it('sends anything without a string idempotency key to partition 0, to be dead-lettered there', () => {
    expect([null, 'text', 7, {}, { idempotencyKey: 12 }].map((raw) => partitionOfRaw(raw, 4))).toEqual([0, 0, 0, 0, 0]);
  });

  it('splits a batch by partition, keeping each partition’s events in order', () => {
    const events = keys.slice(0, 500).map((idempotencyKey, order) => ({ idempotencyKey, order }));
    const split = splitByPartition(events, 3);
    expect([...split.values()].reduce((n, list) => n + list.length, 0)).toBe(500);
    for (const [partition, list] of split) {
      expect(list.every((e) => eventPartitionOf(e.idempotencyKey, 3) === partition)).toBe(true);
      expect(list.map((e) => e.order)).toEqual([...list.map((e) => e.order)].sort((a, b) => a - b));
    }
  });
});
