import type { IndicatorUpdate } from '@ioc/contracts';
import { slowSocketAction, throttleTile, TileRing, planReadDelivery } from './tile-fanout-plan';

const update = (seq: number, epoch = 'e1'): IndicatorUpdate =>
  ({ indicatorId: 'dossier.on_time_pct', unitCode: '51', value: seq, seq, epoch }) as unknown as IndicatorUpdate;
const entry = (ms: number, seq: number) => ({ id: `${ms}-0`, update: update(seq) });

describe('tile fan-out plan', () => {
  describe('throttleTile', () => {
    it('broadcasts when the interval has passed since the last broadcast', () => {
      expect(throttleTile(10_000, 9_000, 1000, false)).toEqual({ action: 'broadcast' });
      expect(throttleTile(10_000, 0, 1000, false)).toEqual({ action: 'broadcast' });
      // No limit configured: every entry goes out.
      expect(throttleTile(10_000, 10_000, 0, false)).toEqual({ action: 'broadcast' });
    });

    it('holds an entry until the interval ends, and replaces the held one while its timer runs', () => {
      expect(throttleTile(10_000, 9_700, 1000, false)).toEqual({ action: 'hold', waitMs: 700 });
      expect(throttleTile(10_100, 9_700, 1000, true)).toEqual({ action: 'replace-pending' });
    });
  });

  describe('TileRing', () => {
    it('replays, in order, the broadcasts after what the socket holds', () => {
      const ring = new TileRing(16, '1000-0');
      for (let seq = 1; seq <= 5; seq += 1) ring.push(entry(1000 + seq, seq));
      expect(ring.catchUp({ epoch: 'e1', seq: 3 }, '1002-0')).toEqual({ kind: 'replay', updates: [update(4), update(5)] });
      expect(ring.catchUp({ epoch: 'e1', seq: 5 }, '1005-0')).toEqual({ kind: 'replay', updates: [] });
      expect(ring.catchUp(null, '1000-0')).toEqual({ kind: 'replay', updates: [1, 2, 3, 4, 5].map((s) => update(s)) });
      // A position from another epoch (the aggregator's state was rebuilt) takes everything the ring has.
      expect(ring.catchUp({ epoch: 'e0', seq: 40 }, '1003-0')).toMatchObject({
        kind: 'replay',
        updates: [update(1), update(2), update(3), update(4), update(5)],
      });
    });

    it('answers a reset with the newest value once it no longer reaches back to where the socket read the stream', () => {
      const ring = new TileRing(3, '1000-0');
      for (let seq = 1; seq <= 5; seq += 1) ring.push(entry(1000 + seq, seq));
      // Entries 1 and 2 were evicted: the ring covers only what came after 1002-0.
      expect(ring.catchUp({ epoch: 'e1', seq: 1 }, '1001-0')).toEqual({ kind: 'reset', newest: update(5) });
      expect(ring.catchUp({ epoch: 'e1', seq: 2 }, '1002-0')).toEqual({ kind: 'replay', updates: [update(3), update(4), update(5)] });
    });

    it('has nothing to replay before the first broadcast', () => {
      expect(new TileRing(16, '1000-0').catchUp(null, '999-0')).toEqual({ kind: 'replay', updates: [] });
    });
  });

  describe('slowSocketAction', () => {
    const limits = { bytes: 1_000_000, packets: 500, timeoutMs: 30_000 };

    it('marks a socket slow over either bound, and keeps a fast one', () => {
      expect(slowSocketAction({ bytes: 1_000_001, packets: 0 }, 0, limits)).toBe('mark-slow');
      expect(slowSocketAction({ bytes: 0, packets: 501 }, 0, limits)).toBe('mark-slow');
      expect(slowSocketAction({ bytes: 1_000_000, packets: 500 }, 0, limits)).toBe('keep');
    });

    it('lets a slow socket recover only below half of both bounds', () => {
      expect(slowSocketAction({ bytes: 500_000, packets: 250, slowSince: 0 }, 1000, limits)).toBe('recover');
      expect(slowSocketAction({ bytes: 500_001, packets: 0, slowSince: 0 }, 1000, limits)).toBe('keep');
      expect(slowSocketAction({ bytes: 0, packets: 251, slowSince: 0 }, 1000, limits)).toBe('keep');
    });

    it('disconnects a socket slow for longer than the timeout', () => {
      expect(slowSocketAction({ bytes: 900_000, packets: 0, slowSince: 0 }, 30_000, limits)).toBe('keep');
      expect(slowSocketAction({ bytes: 900_000, packets: 0, slowSince: 0 }, 30_001, limits)).toBe('disconnect');
    });
  });
});

describe('planReadDelivery', () => {
  const read = [
    { key: 'a', id: '1' },
    { key: 'b', id: '2' },
    { key: 'a', id: '3' },
    { key: 'c', id: '4' },
  ];
  const rooms: Record<string, string[]> = { a: ['s1', 's2', 's3'], b: ['s1', 's2'], c: ['s3', 's4'] };

  it('gives each socket every entry of the read on its streams, in stream order, grouping sockets that follow the same streams', () => {
    const plan = planReadDelivery(read, (key) => rooms[key] ?? []);
    const bySocket = new Map(
      plan.flatMap((group) => group.members.map((member) => [member, group.entries.map((entry) => entry.id)] as const)),
    );
    expect(Object.fromEntries(bySocket)).toEqual({ s1: ['1', '2', '3'], s2: ['1', '2', '3'], s3: ['1', '3', '4'], s4: ['4'] });
    expect(plan.map((group) => group.members)).toEqual([['s1', 's2'], ['s3'], ['s4']]);
  });

  it('leaves out sockets that follow none of the streams read, and plans nothing for an empty read', () => {
    expect(planReadDelivery([{ key: 'z', id: '9' }], () => [])).toEqual([]);
    expect(planReadDelivery([], (key) => rooms[key] ?? [])).toEqual([]);
  });
});
