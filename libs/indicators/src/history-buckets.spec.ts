import { bucketStart, historyBuckets } from './history-buckets';

const at = (local: string): Date => new Date(`${local}+07:00`);
const iso = (d: Date): string => d.toISOString();

describe('history buckets of a recompute', () => {
  it('starts local days at midnight in Vietnam and hours on the hour', () => {
    expect(iso(bucketStart('DAY', at('2026-11-20T06:59:00')))).toBe(iso(at('2026-11-20T00:00:00')));
    expect(iso(bucketStart('HOUR', at('2026-11-20T06:59:00')))).toBe(iso(at('2026-11-20T06:00:00')));
    expect(iso(bucketStart('MINUTE', at('2026-11-20T06:59:31')))).toBe(iso(at('2026-11-20T06:59:00')));
  });

  it('lists buckets starting in [from, to), each valued at its last millisecond or at now', () => {
    const buckets = historyBuckets(at('2026-11-19T22:30:00'), at('2026-11-21T00:00:00'), ['HOUR', 'DAY'], at('2026-11-20T02:10:00'));
    expect(buckets.map((b) => [b.resolution, iso(b.start), iso(b.asOf)])).toEqual([
      ['HOUR', iso(at('2026-11-19T23:00:00')), iso(new Date(at('2026-11-20T00:00:00').getTime() - 1))],
      ['HOUR', iso(at('2026-11-20T00:00:00')), iso(new Date(at('2026-11-20T01:00:00').getTime() - 1))],
      ['HOUR', iso(at('2026-11-20T01:00:00')), iso(new Date(at('2026-11-20T02:00:00').getTime() - 1))],
      ['HOUR', iso(at('2026-11-20T02:00:00')), iso(at('2026-11-20T02:10:00'))],
      ['DAY', iso(at('2026-11-20T00:00:00')), iso(at('2026-11-20T02:10:00'))],
    ]);
  });

  it('is empty when the range is in the future or empty', () => {
    expect(historyBuckets(at('2026-12-01T00:00:00'), at('2026-12-02T00:00:00'), ['DAY'], at('2026-11-20T00:00:00'))).toEqual([]);
    expect(historyBuckets(at('2026-11-20T10:00:00'), at('2026-11-20T10:00:00'), ['HOUR'], at('2026-11-21T00:00:00'))).toEqual([]);
  });
});
