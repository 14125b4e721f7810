import type { NormalizedEvent } from '@ioc/contracts';
import { evaluateAll, type IndicatorDefinitionData } from './evaluate';
import { MemoryState } from './memory-state';
import { definitionsMovedBy } from './moved-by';
import { collectTerms } from './terms';
import { UnitTree } from './unit-tree';

const SINCE = new Date('2020-01-01T00:00:00Z');
const tree = new UnitTree([
  { code: 'P', parentCode: null, tier: 'PROVINCE', validFrom: SINCE, validTo: null },
  { code: 'C1', parentCode: 'P', tier: 'COMMUNE', validFrom: SINCE, validTo: null },
  { code: 'C2', parentCode: 'P', tier: 'COMMUNE', validFrom: SINCE, validTo: null },
]);
const definition = (id: string, formula: IndicatorDefinitionData['formula']): IndicatorDefinitionData => ({
  id,
  formula,
  window: { type: 'today' },
  tiers: [],
});
const DEFINITIONS = [
  definition('online_pct', {
    op: 'ratio',
    numerator: [{ op: 'count', filter: { kind: 'doc', where: { online: true } } }],
    denominator: [{ op: 'count', filter: { kind: 'doc' } }],
    scale: 100,
  }),
  definition('visits', { op: 'sum', filter: { kind: 'visit' }, field: 'count' }),
  definition('beds', { op: 'latest', filter: { kind: 'beds' }, field: 'occupied' }),
  definition('late_score', {
    op: 'score',
    scale: 100,
    minus: [{ numerator: [{ op: 'count', filter: { kind: 'late' } }], denominator: [{ op: 'count', filter: { kind: 'doc' } }] }],
  }),
  definition('index', {
    op: 'index',
    groups: [
      {
        name: 'care',
        weight: 10,
        items: [
          {
            formula: {
              op: 'ratio',
              numerator: [{ op: 'count', filter: { kind: 'complaint' } }],
              denominator: [{ op: 'count', filter: { kind: 'visit' } }],
              scale: 100,
            },
            fullAt: 50,
          },
        ],
      },
    ],
  }),
  definition('fresh', { op: 'freshness' }),
];
const ids = (definitions: readonly IndicatorDefinitionData[]): string[] => definitions.map((d) => d.id);

const AT = '2026-11-20T09:00:00+07:00';
let n = 0;
const eventOf = (kind: string, attributes: NormalizedEvent['attributes'] = {}): NormalizedEvent => ({
  idempotencyKey: `k${(n += 1)}`,
  sourceId: 's1',
  stream: 'x',
  unitCode: 'C1',
  occurredAt: AT,
  kind,
  kindClass: kind === 'beds' ? 'gauge' : 'fact',
  values: { count: 3, occupied: 7 },
  attributes,
});

describe('definitionsMovedBy', () => {
  it('names the definitions with a term of the kinds (numerator, denominator, presence, inside scores and indexes) and every freshness indicator', () => {
    expect(ids(definitionsMovedBy(DEFINITIONS, new Set(['doc'])))).toEqual(['online_pct', 'late_score', 'fresh']);
    expect(ids(definitionsMovedBy(DEFINITIONS, new Set(['visit'])))).toEqual(['visits', 'index', 'fresh']);
    expect(ids(definitionsMovedBy(DEFINITIONS, new Set(['beds', 'late'])))).toEqual(['beds', 'late_score', 'fresh']);
    expect(ids(definitionsMovedBy(DEFINITIONS, new Set(['unknown'])))).toEqual(['fresh']);
  });

  it.each(['doc', 'visit', 'beds', 'late', 'complaint'])(
    'leaves out only definitions whose values an event of kind %s does not change',
    (kind) => {
      const now = new Date('2026-11-20T10:00:00+07:00');
      const terms = collectTerms(DEFINITIONS.filter((d) => d.formula.op !== 'freshness'));
      const state = new MemoryState(terms);
      const background = ['doc', 'visit', 'beds', 'late', 'complaint'].map((k) => eventOf(k, { online: true }));
      state.apply(background, now.getTime() - 60_000);
      const before = evaluateAll(DEFINITIONS, tree, state, now);
      state.apply([eventOf(kind, { online: true })], now.getTime());
      const after = evaluateAll(DEFINITIONS, tree, state, now);
      const changed = new Set(
        after.filter((value, index) => JSON.stringify(value) !== JSON.stringify(before[index])).map((v) => v.indicatorId),
      );
      const moved = new Set(ids(definitionsMovedBy(DEFINITIONS, new Set([kind]))));
      // Every definition whose value changed is named (the reverse need not hold: a gauge may repeat its reading).
      for (const id of changed) expect(moved).toContain(id);
      expect(changed.size).toBeGreaterThan(0);
    },
  );
});
