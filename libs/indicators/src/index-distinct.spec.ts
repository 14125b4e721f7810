import type { NormalizedEvent, Term } from '@ioc/contracts';
import { checkDefinition } from './check-definition';
import { evaluateIndicator, evaluateOwnAggregate, type IndicatorDefinitionData } from './evaluate';
import { MemoryState } from './memory-state';
import { collectTerms, formulaTerms } from './terms';
import { UnitTree, type UnitNode } from './unit-tree';

const SINCE = new Date('2020-01-01T00:00:00Z');
const node = (code: string, parentCode: string | null, tier: UnitNode['tier']): UnitNode => ({
  code,
  parentCode,
  tier,
  validFrom: SINCE,
  validTo: null,
});
// District D with communes C1 and C2.
const tree = new UnitTree([node('D', null, 'DISTRICT'), node('C1', 'D', 'COMMUNE'), node('C2', 'D', 'COMMUNE')]);

let n = 0;
const event = (
  unitCode: string,
  occurredAt: string,
  kind: string,
  attributes: NormalizedEvent['attributes'] = {},
  values: Record<string, number> = {},
): NormalizedEvent => ({
  idempotencyKey: `k${(n += 1)}`,
  sourceId: 's1',
  stream: 'x',
  unitCode,
  occurredAt,
  kind,
  kindClass: 'fact',
  values,
  attributes,
});
const stateOf = (definitions: IndicatorDefinitionData[], events: NormalizedEvent[]): MemoryState => {
  const state = new MemoryState(collectTerms(definitions));
  state.apply(events, 0);
  return state;
};
const valueAt = (definition: IndicatorDefinitionData, state: MemoryState, now: string, unit: string) =>
  evaluateIndicator(definition, tree, state, new Date(now)).find((v) => v.unitCode === unit)!;

const offered = (field: string): Term => ({ op: 'latest', filter: { kind: 'procedure' }, field, standing: true, distinct: 'code' });
const FULLY_ONLINE: IndicatorDefinitionData = {
  id: 'fully_online',
  formula: { op: 'ratio', numerator: [offered('fullyOnline')], denominator: [offered('eligible')], scale: 100 },
  window: { type: 'standing' },
  tiers: [],
};

describe('a distinct term counts each attribute value once over a set of units', () => {
  const listing = (unit: string, at: string, code: string, eligible: number, fullyOnline: number) =>
    event(unit, at, 'procedure', { code }, { eligible, fullyOnline });
  const MORNING = '2026-11-10T07:00:00+07:00';

  it('is a valid definition, and a distinct field elsewhere is refused', () => {
    expect(checkDefinition(FULLY_ONLINE)).toEqual([]);
    expect(
      checkDefinition({ formula: { op: 'count', filter: { kind: 'x' }, distinct: 'code' }, window: { type: 'standing' }, tiers: [] }),
    ).toEqual(["formula.distinct: only a latest term can count an attribute's values once (an attribute name)"]);
  });

  it('counts a procedure offered by two communes once at their district, and follows each listing as it changes', () => {
    // C1 lists A (fully online) and B (not); C2 lists A (fully online) and C (fully online).
    // C1 1/2 = 50 %, C2 2/2 = 100 %; D: eligible {A, B, C} = 3, fully online {A, C} = 2 → 66.67 %
    // (adding the units' counts would say 3/4 = 75 %, with A twice).
    const events = [
      listing('C1', MORNING, 'A', 1, 1),
      listing('C1', MORNING, 'B', 1, 0),
      listing('C2', MORNING, 'A', 1, 1),
      listing('C2', MORNING, 'C', 1, 1),
    ];
    const state = stateOf([FULLY_ONLINE], events);
    const at = '2026-11-10T10:00:00+07:00';
    expect(valueAt(FULLY_ONLINE, state, at, 'C1')).toMatchObject({ value: 50, numerator: 1, denominator: 2, own: { value: 50 } });
    expect(valueAt(FULLY_ONLINE, state, at, 'C2')).toMatchObject({ value: 100, numerator: 2, denominator: 2 });
    expect(valueAt(FULLY_ONLINE, state, at, 'D')).toMatchObject({ numerator: 2, denominator: 3, own: { value: null } });
    expect(valueAt(FULLY_ONLINE, state, at, 'D').value).toBeCloseTo(200 / 3, 9);
    // The communes' own records taken together (a level as a whole) also count A once.
    expect(evaluateOwnAggregate(FULLY_ONLINE, ['C1', 'C2'], state, new Date(at))).toMatchObject({ numerator: 2, denominator: 3 });
    // A stock: the same at 03:00 the next night.
    expect(valueAt(FULLY_ONLINE, state, '2026-11-11T03:00:00+07:00', 'D')).toEqual(valueAt(FULLY_ONLINE, state, at, 'D'));

    // Next day C1 offers B fully online (3/3), then C2 withdraws C (eligible 0): D {A, B} = 2/2.
    state.apply([listing('C1', '2026-11-11T07:00:00+07:00', 'B', 1, 1)], 0);
    expect(valueAt(FULLY_ONLINE, state, '2026-11-11T10:00:00+07:00', 'D')).toMatchObject({ value: 100, numerator: 3, denominator: 3 });
    state.apply([listing('C2', '2026-11-12T07:00:00+07:00', 'C', 0, 0)], 0);
    expect(valueAt(FULLY_ONLINE, state, '2026-11-12T10:00:00+07:00', 'D')).toMatchObject({ value: 100, numerator: 2, denominator: 2 });
    expect(valueAt(FULLY_ONLINE, state, '2026-11-12T10:00:00+07:00', 'C2')).toMatchObject({ value: 100, numerator: 1, denominator: 1 });
  });

  it('is N/A where no unit lists a procedure', () => {
    const state = stateOf([FULLY_ONLINE], [listing('C1', MORNING, 'A', 1, 0)]);
    expect(valueAt(FULLY_ONLINE, state, '2026-11-10T10:00:00+07:00', 'C2')).toMatchObject({ value: null, numerator: 0, denominator: 0 });
    expect(valueAt(FULLY_ONLINE, state, '2026-11-10T10:00:00+07:00', 'D')).toMatchObject({ value: 0, numerator: 0, denominator: 1 });
  });
});

const count = (kind: string, where?: Record<string, boolean>): Term => ({ op: 'count', filter: { kind, where } });
const percent = (kind: string, attribute: string) => ({
  op: 'ratio' as const,
  numerator: [count(kind, { [attribute]: true })],
  denominator: [count(kind)],
  scale: 100,
});
const INDEX: IndicatorDefinitionData = {
  id: 'index',
  formula: {
    op: 'index',
    groups: [
      { name: 'online', weight: 20, items: [{ formula: percent('received', 'online'), fullAt: 50 }] },
      {
        name: 'results',
        weight: 22,
        items: [
          { formula: percent('resolved', 'onTime'), fullAt: 90 },
          { formula: percent('paid', 'online'), fullAt: 80 },
        ],
      },
      { name: 'publicity', weight: 18, items: [] },
    ],
  },
  window: { type: 'month_to_date' },
  tiers: [],
};

describe('a composite index (Decision 766 style)', () => {
  const AT = '2026-11-10T09:00:00+07:00';
  const times = (k: number, make: () => NormalizedEvent) => Array.from({ length: k }, make);

  it('is a valid definition; groups and items are checked', () => {
    expect(checkDefinition(INDEX)).toEqual([]);
    const broken = {
      op: 'index',
      groups: [{ name: '', weight: 0, items: [{ formula: { op: 'count', filter: { kind: 'x' } }, fullAt: 0 }] }],
    };
    expect(checkDefinition({ formula: broken, window: { type: 'today' }, tiers: [] })).toEqual([
      'formula.groups[0].name: must be a non-empty string',
      'formula.groups[0].weight: must be a positive number',
      'formula.groups[0].items[0].formula.op: must be ratio or score',
      'formula.groups[0].items[0].fullAt: must be a positive number',
    ]);
  });

  it('earns points up to each threshold, leaves out what has no data and rescales to 100', () => {
    // C1: 3 of 10 received online = 30 % → 30/50 of 20 points = 12. 9 of 10 on time = 90 % → full;
    // nothing paid (N/A) → "results" is its on-time item alone: 22. Publicity has no items: N/A.
    // (12 + 22) / (20 + 22) × 100 = 34/42 × 100 = 80.952 %.
    const events = [
      ...times(3, () => event('C1', AT, 'received', { online: true })),
      ...times(7, () => event('C1', AT, 'received', { online: false })),
      ...times(9, () => event('C1', AT, 'resolved', { onTime: true })),
      event('C1', AT, 'resolved', { onTime: false }),
    ];
    const state = stateOf([INDEX], events);
    const now = '2026-11-20T10:00:00+07:00';
    expect(valueAt(INDEX, state, now, 'C1')).toMatchObject({ numerator: 34, denominator: 42 });
    expect(valueAt(INDEX, state, now, 'C1').value).toBeCloseTo((34 / 42) * 100, 9);
    // 2 of 5 paid online = 40 % → half of its 80 %: results = 22 × (1 + 0.5) / 2 = 16.5 → (12 + 16.5) / 42.
    state.apply(
      [...times(2, () => event('C1', AT, 'paid', { online: true })), ...times(3, () => event('C1', AT, 'paid', { online: false }))],
      0,
    );
    expect(valueAt(INDEX, state, now, 'C1')).toMatchObject({ numerator: 28.5, denominator: 42 });
    // C2: 6 of 10 online (60 % ≥ 50 %: full 20, not more); nothing else → 20 / 20 = 100.
    state.apply(
      [...times(6, () => event('C2', AT, 'received', { online: true })), ...times(4, () => event('C2', AT, 'received', { online: false }))],
      0,
    );
    expect(valueAt(INDEX, state, now, 'C2')).toMatchObject({ value: 100, numerator: 20, denominator: 20 });
    // D over both, Σ numerators / Σ denominators of each item first: online 9/20 = 45 % → 18;
    // on time 90 % → 1, paid 40 % → 0.5 → 16.5; (18 + 16.5) / 42.
    expect(valueAt(INDEX, state, now, 'D')).toMatchObject({ numerator: 34.5, denominator: 42 });
    expect(valueAt(INDEX, state, now, 'D').value).toBeCloseTo((34.5 / 42) * 100, 9);
  });

  it('is N/A when no group has data, not 0', () => {
    expect(valueAt(INDEX, stateOf([INDEX], []), '2026-11-20T10:00:00+07:00', 'D')).toMatchObject({
      value: null,
      numerator: null,
      denominator: null,
    });
  });
});

describe("a state built from a formula's own terms (as a recompute does)", () => {
  it('counts an event once where the formula uses its term twice', () => {
    // received appears in the numerator and the denominator: 2 received, 1 resolved → 2 / 3.
    const shared: IndicatorDefinitionData = {
      id: 'shared',
      formula: { op: 'ratio', numerator: [count('received')], denominator: [count('received'), count('resolved')], scale: 100 },
      window: { type: 'today' },
      tiers: [],
    };
    const { numerator, denominator } = formulaTerms(shared.formula, shared.window);
    const state = new MemoryState([...numerator, ...denominator]);
    state.apply(
      [
        event('C1', '2026-11-10T09:00:00+07:00', 'received'),
        event('C1', '2026-11-10T09:00:00+07:00', 'received'),
        event('C1', '2026-11-10T09:00:00+07:00', 'resolved'),
      ],
      0,
    );
    expect(valueAt(shared, state, '2026-11-10T10:00:00+07:00', 'C1')).toMatchObject({ numerator: 2, denominator: 3 });
  });
});
