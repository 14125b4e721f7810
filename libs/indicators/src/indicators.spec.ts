import type { NormalizedEvent } from '@ioc/contracts';
import { checkDefinition } from './check-definition';
import { evaluateIndicator, evaluateOwnAggregate, type IndicatorDefinitionData } from './evaluate';
import { localDay, startOfLocalDay } from './local-time';
import { MemoryState } from './memory-state';
import {
  evaluateTarget,
  judgedReading,
  meets,
  projectToDeadline,
  scorecards,
  targetFor,
  targetStatus,
  type TargetData,
  type TargetInputs,
} from './targets';
import { collectTerms } from './terms';
import { UnitTree, type UnitNode } from './unit-tree';

const SINCE = new Date('2020-01-01T00:00:00Z');
const node = (code: string, parentCode: string | null, tier: UnitNode['tier']): UnitNode => ({
  code,
  parentCode,
  tier,
  validFrom: SINCE,
  validTo: null,
});
// Province P with district D (communes C1, C2) and a department S with a facility F: four levels.
const tree = new UnitTree([
  node('P', null, 'PROVINCE'),
  node('D', 'P', 'DISTRICT'),
  node('C1', 'D', 'COMMUNE'),
  node('C2', 'D', 'COMMUNE'),
  node('S', 'P', 'PROVINCE'),
  node('F', 'S', 'PROVINCE'),
]);

const ONLINE_PCT: IndicatorDefinitionData = {
  id: 'online_pct',
  formula: {
    op: 'ratio',
    numerator: [{ op: 'count', filter: { kind: 'doc', where: { online: true } } }],
    denominator: [{ op: 'count', filter: { kind: 'doc' } }],
    scale: 100,
  },
  window: { type: 'month_to_date' },
  tiers: [],
};
const VISITS_TODAY: IndicatorDefinitionData = {
  id: 'visits',
  formula: { op: 'sum', filter: { kind: 'visit' }, field: 'count' },
  window: { type: 'today' },
  tiers: [],
};
const BEDS_PCT: IndicatorDefinitionData = {
  id: 'beds',
  formula: {
    op: 'ratio',
    numerator: [{ op: 'latest', filter: { kind: 'beds' }, field: 'occupied' }],
    denominator: [{ op: 'latest', filter: { kind: 'beds' }, field: 'beds' }],
    scale: 100,
  },
  window: { type: 'today' },
  tiers: [],
};
const SATISFACTION: IndicatorDefinitionData = {
  id: 'sat',
  formula: {
    op: 'ratio',
    numerator: [
      { op: 'count', filter: { kind: 'doc', where: { online: false } } },
      { op: 'count', filter: { kind: 'complaint' } },
    ],
    denominator: [{ op: 'count', filter: { kind: 'doc' } }],
    scale: 100,
    complement: true,
  },
  window: { type: 'year_to_date' },
  tiers: [],
};
const DEFINITIONS = [ONLINE_PCT, VISITS_TODAY, BEDS_PCT, SATISFACTION];
const TERMS = collectTerms(DEFINITIONS);

let n = 0;
const event = (
  unitCode: string,
  occurredAt: string,
  kind: string,
  values: Record<string, number> = {},
  attributes: NormalizedEvent['attributes'] = {},
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
const valueAt = (definition: IndicatorDefinitionData, state: MemoryState, now: string, unit: string) =>
  evaluateIndicator(definition, tree, state, new Date(now)).find((v) => v.unitCode === unit)!;

describe('local time (Asia/Ho_Chi_Minh, UTC+7)', () => {
  it('starts the day at local midnight, not UTC midnight', () => {
    expect(localDay(new Date('2026-11-22T16:59:59Z'))).toBe('2026-11-22');
    expect(localDay(new Date('2026-11-22T17:00:00Z'))).toBe('2026-11-23');
    expect(startOfLocalDay(new Date('2026-11-23T01:00:00Z')).toISOString()).toBe('2026-11-22T17:00:00.000Z');
  });
});

describe('evaluateIndicator', () => {
  it('rolls a ratio up as Σ numerators / Σ denominators, never an average of percentages', () => {
    const state = new MemoryState(TERMS);
    // C1: 1 of 1 online (100 %); C2: 1 of 4 online (25 %). D: 2/5 = 40 %, not (100+25)/2.
    state.apply(
      [
        event('C1', '2026-11-10T08:00:00+07:00', 'doc', {}, { online: true }),
        ...[true, false, false, false].map((online) => event('C2', '2026-11-10T08:00:00+07:00', 'doc', {}, { online })),
      ],
      0,
    );
    const now = '2026-11-20T00:00:00Z';
    expect(valueAt(ONLINE_PCT, state, now, 'C1').value).toBe(100);
    expect(valueAt(ONLINE_PCT, state, now, 'C2').value).toBe(25);
    expect(valueAt(ONLINE_PCT, state, now, 'D')).toMatchObject({ value: 40, numerator: 2, denominator: 5 });
    expect(valueAt(ONLINE_PCT, state, now, 'P')).toMatchObject({ value: 40, numerator: 2, denominator: 5 });
    // Zero denominator is N/A, not 0 %.
    expect(valueAt(ONLINE_PCT, state, now, 'S')).toMatchObject({ value: null, denominator: 0 });
  });

  it('counts an idempotency key once', () => {
    const state = new MemoryState(TERMS);
    const once = event('C1', '2026-11-10T08:00:00+07:00', 'visit', { count: 3 });
    state.apply([once, once], 0);
    state.apply([once], 0);
    expect(valueAt(VISITS_TODAY, state, '2026-11-10T05:00:00Z', 'P').value).toBe(3);
  });

  it('resets "today" at local midnight and month-to-date on the first of the month', () => {
    const state = new MemoryState(TERMS);
    state.apply(
      [
        event('C1', '2026-11-30T23:59:00+07:00', 'visit', { count: 5 }),
        event('C1', '2026-12-01T00:01:00+07:00', 'visit', { count: 2 }),
        event('C1', '2026-11-30T23:59:00+07:00', 'doc', {}, { online: true }),
        event('C1', '2026-12-01T00:01:00+07:00', 'doc', {}, { online: false }),
      ],
      0,
    );
    // 16:59 UTC on 30 Nov is still 30 Nov locally; 17:30 UTC is 1 Dec.
    expect(valueAt(VISITS_TODAY, state, '2026-11-30T16:59:30Z', 'C1').value).toBe(5);
    expect(valueAt(VISITS_TODAY, state, '2026-11-30T17:30:00Z', 'C1').value).toBe(2);
    expect(valueAt(ONLINE_PCT, state, '2026-11-30T16:59:30Z', 'C1').value).toBe(100);
    expect(valueAt(ONLINE_PCT, state, '2026-11-30T17:30:00Z', 'C1').value).toBe(0);
    // Both days are in the year: 1 of 2 late → 100 − 50.
    expect(valueAt(SATISFACTION, state, '2026-11-30T17:30:00Z', 'P').value).toBe(50);
  });

  it('keeps the newest gauge reading per unit and sums units up the tree; no reading is N/A', () => {
    const state = new MemoryState(TERMS);
    state.apply(
      [
        event('F', '2026-11-10T09:00:00+07:00', 'beds', { occupied: 90, beds: 100 }),
        event('F', '2026-11-10T08:00:00+07:00', 'beds', { occupied: 10, beds: 100 }),
        event('C1', '2026-11-10T08:00:00+07:00', 'beds', { occupied: 30, beds: 100 }),
      ],
      0,
    );
    const now = '2026-11-10T05:00:00Z';
    expect(valueAt(BEDS_PCT, state, now, 'F').value).toBe(90);
    expect(valueAt(BEDS_PCT, state, now, 'P')).toMatchObject({ value: 60, numerator: 120, denominator: 200 });
    expect(valueAt(BEDS_PCT, state, now, 'C2').value).toBeNull();
    // Yesterday's readings are not today's.
    expect(valueAt(BEDS_PCT, state, '2026-11-11T05:00:00Z', 'P').value).toBeNull();
  });
});

describe('averages and rolling windows', () => {
  const WAIT: IndicatorDefinitionData = {
    id: 'wait',
    formula: { op: 'average', filter: { kind: 'visit' }, field: 'count' },
    window: { type: 'rolling', minutes: 30 },
    tiers: ['DISTRICT', 'PROVINCE'],
  };
  const terms = collectTerms([WAIT]);

  it('averages over the subtree as Σ / count, only inside the rolling window, only for its tiers', () => {
    const state = new MemoryState(terms);
    state.apply(
      [
        event('C1', '2026-11-10T07:59:59+07:00', 'visit', { count: 10 }),
        event('C1', '2026-11-10T08:20:00+07:00', 'visit', { count: 2 }),
        event('C2', '2026-11-10T08:25:00+07:00', 'visit', { count: 6 }),
      ],
      0,
    );
    const values = evaluateIndicator(WAIT, tree, state, new Date('2026-11-10T08:29:30+07:00'));
    expect(values.map((v) => v.unitCode).sort()).toEqual(['D', 'F', 'P', 'S']);
    // The window is the current minute and the 29 before it (08:00-08:29): 07:59:59 is out, (2 + 6) / 2.
    expect(values.find((v) => v.unitCode === 'D')).toMatchObject({ value: 4, numerator: 8, denominator: 2 });
    expect(values.find((v) => v.unitCode === 'S')).toMatchObject({ value: null, denominator: 0 });
  });
});

describe('targets', () => {
  const target: TargetData = {
    id: 't1',
    indicatorId: 'online_pct',
    appliesTo: 'LEVEL_EACH',
    tier: 'DISTRICT',
    unitCode: null,
    comparator: 'GTE',
    value: 80,
    periodStart: null,
    deadline: new Date('2026-12-31'),
    resolutionCode: 'R',
  };
  const now = new Date('2026-11-23T00:00:00Z');

  it('picks the unit target over the tier target, and the current period among several', () => {
    const own: TargetData = { ...target, id: 't2', appliesTo: 'UNIT_OWN', tier: null, unitCode: 'D', value: 50 };
    expect(targetFor([target, own], 'online_pct', { code: 'D', tier: 'DISTRICT' }, tree, now)?.id).toBe('t2');
    expect(targetFor([target, own], 'online_pct', { code: 'X', tier: 'DISTRICT' }, tree, now)?.id).toBe('t1');
    expect(targetFor([target], 'online_pct', { code: 'C1', tier: 'COMMUNE' }, tree, now)).toBeNull();
    const next: TargetData = { ...target, id: 't3', periodStart: new Date('2027-01-01'), deadline: new Date('2030-12-31') };
    expect(targetFor([next, target], 'online_pct', { code: 'D', tier: 'DISTRICT' }, tree, now)?.id).toBe('t1');
    expect(targetFor([next, target], 'online_pct', { code: 'D', tier: 'DISTRICT' }, tree, new Date('2027-03-01T00:00:00Z'))?.id).toBe('t3');
    // A level aggregate is shown on the top unit of its tier only.
    const level: TargetData = { ...target, id: 't4', appliesTo: 'LEVEL_AGGREGATE', tier: 'PROVINCE' };
    expect(targetFor([level], 'online_pct', { code: 'P', tier: 'PROVINCE' }, tree, now)?.id).toBe('t4');
    expect(targetFor([level], 'online_pct', { code: 'S', tier: 'PROVINCE' }, tree, now)).toBeNull();
  });

  it('reads "trên" as strictly above: 90 does not meet GT 90, meets GTE 90', () => {
    expect(meets(90, { comparator: 'GT', value: 90 })).toBe(false);
    expect(meets(90.01, { comparator: 'GT', value: 90 })).toBe(true);
    expect(meets(90, { comparator: 'GTE', value: 90 })).toBe(true);
    expect(meets(5, { comparator: 'LT', value: 5 })).toBe(false);
    expect(meets(5, { comparator: 'LTE', value: 5 })).toBe(true);
  });

  it('gives met / on_track / at_risk / missed / no_target / no_data', () => {
    expect(targetStatus(85, target, now)).toBe('met');
    expect(targetStatus(70, target, now, 82)).toBe('on_track');
    expect(targetStatus(70, target, now, 75)).toBe('at_risk');
    expect(targetStatus(70, target, new Date('2027-01-01T00:00:00Z'))).toBe('missed');
    expect(targetStatus(70, null, now)).toBe('no_target');
    expect(targetStatus(null, target, now)).toBe('no_data');
  });

  it('projects the recent trend to the deadline', () => {
    const points = [0, 1, 2].map((day) => ({ at: new Date(Date.UTC(2026, 10, 1 + day)), value: 60 + day * 2 }));
    expect(projectToDeadline(points, new Date(Date.UTC(2026, 10, 11)))).toBeCloseTo(80, 9);
    expect(projectToDeadline(points.slice(0, 1), new Date(Date.UTC(2026, 10, 11)))).toBeNull();
  });
});

describe('Nghị quyết 13-NQ/TU read as meant (hand-worked)', () => {
  // Province P (tier PROVINCE) with its department S and facility F (PROVINCE tier), district D
  // (DISTRICT) and communes C1, C2 (COMMUNE). Work files this month, on the network / all:
  //   P own 10/10, S own 75/80, F own 9/10  → province-level agencies 94/100 = 94 %  (> 90: met)
  //   D own 41/50 = 82 %                    → district level: 82 > 80, 1 of 1 met
  //   C1 own 36/50 = 72 %, C2 own 35/50 = 70 % → commune level: C2 is not above 70, 1 of 2: missed
  //   P subtree: (94 + 41 + 36 + 35) / (100 + 50 + 50 + 50) = 206 / 250 = 82.4 % — below 90, yet
  //   the province-level target is met: it is about the province-level agencies.
  const files = (unit: string, online: number, total: number): NormalizedEvent[] =>
    Array.from({ length: total }, (_, i) => event(unit, '2026-11-10T08:00:00+07:00', 'doc', {}, { online: i < online }));
  const state = new MemoryState(TERMS);
  state.apply(
    [
      ...files('P', 10, 10),
      ...files('S', 75, 80),
      ...files('F', 9, 10),
      ...files('D', 41, 50),
      ...files('C1', 36, 50),
      ...files('C2', 35, 50),
    ],
    0,
  );
  const now = new Date('2026-11-20T00:00:00Z');
  const values = evaluateIndicator(ONLINE_PCT, tree, state, now);
  const inputs: TargetInputs = {
    tree,
    now,
    valueOf: (_id, unit) => values.find((v) => v.unitCode === unit),
    ownAggregate: (_id, units) => evaluateOwnAggregate(ONLINE_PCT, units, state, now),
  };
  const base = {
    indicatorId: 'online_pct',
    unitCode: null,
    comparator: 'GT' as const,
    periodStart: null,
    deadline: new Date('2026-12-31'),
    resolutionCode: '13-NQ/TU',
  };
  const province: TargetData = { ...base, id: 'p', appliesTo: 'LEVEL_AGGREGATE', tier: 'PROVINCE', value: 90 };
  const district: TargetData = { ...base, id: 'd', appliesTo: 'LEVEL_EACH', tier: 'DISTRICT', value: 80 };
  const commune: TargetData = { ...base, id: 'c', appliesTo: 'LEVEL_EACH', tier: 'COMMUNE', value: 70 };

  it('serves own and subtree values side by side', () => {
    expect(values.find((v) => v.unitCode === 'P')).toMatchObject({
      value: 82.4,
      numerator: 206,
      denominator: 250,
      own: { value: 100, numerator: 10, denominator: 10 },
    });
    expect(values.find((v) => v.unitCode === 'S')).toMatchObject({
      numerator: 84,
      denominator: 90,
      own: { numerator: 75, denominator: 80 },
    });
  });

  it('judges the province level on its agencies together, districts and communes each on their own records', () => {
    expect(evaluateTarget(province, inputs)).toMatchObject({ value: 94, numerator: 94, denominator: 100, met: true, unitsEvaluated: 3 });
    expect(evaluateTarget(district, inputs)).toMatchObject({ value: 82, met: true, unitsEvaluated: 1, unitsMet: 1 });
    const communes = evaluateTarget(commune, inputs);
    expect(communes).toMatchObject({ value: 70, met: false, unitsEvaluated: 2, unitsMet: 1 });
    // Drill-down: the unit that misses comes first.
    expect(communes.units).toEqual([
      { unitCode: 'C2', value: 70, met: false },
      { unitCode: 'C1', value: 72, met: true },
    ]);
  });

  it('scores the resolution 2 of 3, and the province tile is judged on the level, not the subtree', () => {
    const [card] = scorecards([province, district, commune], inputs, new Map([['13-NQ/TU', 'NQ 13']]), new Map());
    if (!card) throw new Error('no scorecard');
    expect(card).toMatchObject({ resolutionCode: '13-NQ/TU', title: 'NQ 13', met: 2, total: 3 });
    expect(card.entries.map((e) => [e.targetId, e.status, e.appliesTo])).toEqual([
      ['p', 'met', 'LEVEL_AGGREGATE'],
      ['d', 'met', 'LEVEL_EACH'],
      ['c', 'at_risk', 'LEVEL_EACH'],
    ]);
    const p = values.find((v) => v.unitCode === 'P')!;
    expect(judgedReading(province, p, inputs).value).toBe(94);
    expect(
      judgedReading(
        commune,
        values.find((v) => v.unitCode === 'C2')!,
        inputs,
      ).value,
    ).toBe(70);
  });

  it('after the deadline an unmet target is missed, and carries its result at the deadline', () => {
    const later = { ...inputs, now: new Date('2027-01-05T00:00:00Z') };
    const atDeadline = evaluateTarget(commune, inputs);
    const [card] = scorecards([commune], later, new Map(), new Map([['c', atDeadline]]));
    if (!card) throw new Error('no scorecard');
    expect(card.entries[0]).toMatchObject({
      status: 'missed',
      deadline: '2026-12-31',
      atDeadline: { met: false, unitsMet: 1, unitsEvaluated: 2 },
    });
  });
});

describe('checkDefinition', () => {
  it('accepts every definition of this file', () => {
    for (const definition of DEFINITIONS) expect(checkDefinition(definition)).toEqual([]);
  });
  it('names each problem with its path', () => {
    expect(
      checkDefinition({
        formula: { op: 'ratio', numerator: [{ op: 'sum', filter: { kind: '' } }], denominator: [], scale: 0 },
        window: { type: 'rolling', minutes: 0 },
        tiers: ['WARD'],
      }),
    ).toEqual([
      'formula.numerator[0].filter.kind: must be a non-empty string',
      'formula.numerator[0].field: required for sum',
      'formula.denominator: must be a non-empty list of terms',
      'formula.scale: must be a positive number',
      'window.minutes: must be an integer from 1 to 1440',
      'tiers: must be a list of PROVINCE, DISTRICT, COMMUNE',
    ]);
    expect(checkDefinition({ formula: { op: 'median' }, window: { type: 'week' }, tiers: [] })).toEqual([
      'formula.op: must be count, sum, latest, ratio, average, score, index or freshness',
      'window.type: must be today, month_to_date, year_to_date, rolling or standing',
    ]);
  });
});
