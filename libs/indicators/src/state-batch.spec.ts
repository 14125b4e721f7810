import type { NormalizedEvent } from '@ioc/contracts';
import type { IndicatorDefinitionData } from './evaluate';
import { bucketTtlSeconds, planStateBatch } from './state-batch';
import { collectTerms } from './terms';

const DOCS: IndicatorDefinitionData = {
  id: 'docs',
  formula: { op: 'count', filter: { kind: 'doc' } },
  window: { type: 'today' },
  tiers: [],
};
const BEDS: IndicatorDefinitionData = {
  id: 'beds',
  formula: { op: 'latest', filter: { kind: 'beds' }, field: 'occupied' },
  window: { type: 'today' },
  tiers: [],
};
const terms = collectTerms([DOCS, BEDS]);

const event = (key: string, unitCode: string, occurredAt: string, kind: string, values: Record<string, number> = {}): NormalizedEvent => ({
  idempotencyKey: key,
  sourceId: 's1',
  stream: 'x',
  unitCode,
  occurredAt,
  kind,
  kindClass: kind === 'beds' ? 'gauge' : 'fact',
  values,
  attributes: {},
});

describe('planStateBatch', () => {
  const at = '2026-11-25T09:00:00+07:00';

  it('groups events with identical contributions on the same day, each counter listed once', () => {
    const batch = planStateBatch([event('a', 'C1', at, 'doc'), event('b', 'C1', at, 'doc'), event('c', 'C2', at, 'doc')], terms, 1000);
    // Two groups (C1 twice, C2 once), each naming its idempotency keys; counters referenced by index.
    expect(batch.g.map(([day, keys]) => [day, keys])).toEqual([
      ['2026-11-25', ['a', 'b']],
      ['2026-11-25', ['c']],
    ]);
    const counters = batch.c.flatMap((value, i) => (i % 2 === 0 ? [`${value}|${batch.c[i + 1]}`] : []));
    expect(new Set(counters).size).toBe(counters.length);
    const [, , refsC1] = batch.g[0]!;
    for (let i = 0; i < refsC1.length; i += 2) expect(counters[refsC1[i] as number]).toMatch(/\|C1$/);
    expect(batch.f).toEqual(['C1|s1', 1000, 'C2|s1', 1000]);
  });

  it('keeps only the newest gauge reading per key, whatever the arrival order', () => {
    const batch = planStateBatch(
      [
        event('late', 'F', '2026-11-25T10:00:00+07:00', 'beds', { occupied: 7 }),
        event('early', 'F', '2026-11-25T08:00:00+07:00', 'beds', { occupied: 3 }),
      ],
      terms,
      1000,
    );
    expect(batch.q.map(([, , value]) => value)).toEqual(Array(batch.q.length).fill('7'));
    expect(batch.g).toEqual([]);
  });

  it('sets a TTL on every bucket key it touches, by granularity', () => {
    const batch = planStateBatch([event('a', 'C1', at, 'doc')], terms, 1000);
    for (let i = 0; i < batch.x.length; i += 2) {
      const bucket = String(batch.x[i]).replace(/^(c|g|go):/, '');
      expect(batch.x[i + 1]).toBe(bucketTtlSeconds(bucket));
    }
    expect(() => bucketTtlSeconds('z2026')).toThrow('bucket "z2026" has no known granularity');
  });
});
