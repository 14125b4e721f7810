import type { NormalizedEvent } from '@ioc/contracts';
import {
  checkDefinition,
  collectTerms,
  evaluateIndicator,
  MemoryState,
  UnitTree,
  type IndicatorDefinitionData,
  type UnitNode,
} from '@ioc/indicators';
import { INDICATOR_CATALOG } from './indicator-catalog';

/**
 * The seeded Decision 766 formulas, each against a small example worked out by hand in the
 * comments (not by running the code). Tree: district D with communes C1 and C2, and a health
 * facility F under C1.
 */
const SINCE = new Date('2020-01-01T00:00:00Z');
const node = (code: string, parentCode: string | null, tier: UnitNode['tier']): UnitNode => ({
  code,
  parentCode,
  tier,
  validFrom: SINCE,
  validTo: null,
});
const tree = new UnitTree([
  node('D', null, 'DISTRICT'),
  node('C1', 'D', 'COMMUNE'),
  node('C2', 'D', 'COMMUNE'),
  node('F', 'C1', 'COMMUNE'),
]);

const definitions: IndicatorDefinitionData[] = INDICATOR_CATALOG.map((d) => ({
  id: d.id,
  formula: d.formula,
  window: d.window,
  tiers: d.tiers,
}));
const definition = (id: string): IndicatorDefinitionData => definitions.find((d) => d.id === id)!;
let n = 0;
const event = (
  unitCode: string,
  occurredAt: string,
  kind: string,
  attributes: NormalizedEvent['attributes'] = {},
  values: Record<string, number> = { count: 1 },
): NormalizedEvent => ({
  idempotencyKey: `e${(n += 1)}`,
  sourceId: 's',
  stream: 'x',
  unitCode,
  occurredAt,
  kind,
  kindClass: 'fact',
  values,
  attributes,
});
const times = (count: number, make: () => NormalizedEvent): NormalizedEvent[] => Array.from({ length: count }, make);
const stateOf = (events: NormalizedEvent[]): MemoryState => {
  const state = new MemoryState(collectTerms(definitions));
  state.apply(events, 0);
  return state;
};
const valueOf = (id: string, state: MemoryState, at: string, unit: string) =>
  evaluateIndicator(definition(id), tree, state, new Date(at)).find((v) => v.unitCode === unit)!;

const NOV = '2026-11-10T09:00:00+07:00';

describe('seeded indicators: Decision 766 formulas as written (hand-worked)', () => {
  it('are all valid definitions', () => {
    for (const d of INDICATOR_CATALOG) expect({ id: d.id, problems: checkDefinition(d) }).toEqual({ id: d.id, problems: [] });
  });

  it('on time: unfinished dossiers past their appointment count as late as of now', () => {
    // C1: 8 finished on time, 2 late, and the one-stop system reports 3 unfinished past their appointment now.
    // 8 / (8 + 2 + 3) = 8 / 13 = 61.538…%. C2: 4 on time, backlog 1 → 4 / 5 = 80 %. D: 12 / 18 = 66.67 %.
    const state = stateOf([
      ...times(8, () => event('C1', NOV, 'dossier.resolved', { onTime: true })),
      ...times(2, () => event('C1', NOV, 'dossier.resolved', { onTime: false })),
      event('C1', '2026-11-09T17:00:00+07:00', 'dossiers.overdue_open', {}, { count: 5 }),
      event('C1', '2026-11-10T08:00:00+07:00', 'dossiers.overdue_open', {}, { count: 3 }),
      ...times(4, () => event('C2', NOV, 'dossier.resolved', { onTime: true })),
      // The backlog reading is a stock: last month's reading still stands this month.
      event('C2', '2026-10-31T10:00:00+07:00', 'dossiers.overdue_open', {}, { count: 1 }),
    ]);
    const at = '2026-11-20T10:00:00+07:00';
    expect(valueOf('dossier.on_time_pct', state, at, 'C1')).toMatchObject({ numerator: 8, denominator: 13 });
    expect(valueOf('dossier.on_time_pct', state, at, 'C1').value).toBeCloseTo(61.538461538, 6);
    expect(valueOf('dossier.on_time_pct', state, at, 'C2')).toMatchObject({ value: 80, numerator: 4, denominator: 5 });
    expect(valueOf('dossier.on_time_pct', state, at, 'D')).toMatchObject({ numerator: 12, denominator: 18 });
  });

  it('satisfaction = max(0, 100 − overdue share − share of dossiers with complaints)', () => {
    // C1: 20 finished, 1 late, no backlog → overdue 1/20 = 5 %; 20 received, 2 complained about → 10 %. 100 − 5 − 10 = 85.
    // C2: 10 finished, 6 late, backlog 2 → 8/12 = 66.7 %; 10 received, 5 complained → 50 %. 100 − 116.7 < 0 → 0, never negative.
    const state = stateOf([
      ...times(19, () => event('C1', NOV, 'dossier.resolved', { onTime: true })),
      event('C1', NOV, 'dossier.resolved', { onTime: false }),
      ...times(20, () => event('C1', NOV, 'dossier.received', { channel: 'direct', electronicResult: false })),
      ...times(2, () => event('C1', NOV, 'dossier.complained')),
      ...times(4, () => event('C2', NOV, 'dossier.resolved', { onTime: true })),
      ...times(6, () => event('C2', NOV, 'dossier.resolved', { onTime: false })),
      event('C2', NOV, 'dossiers.overdue_open', {}, { count: 2 }),
      ...times(10, () => event('C2', NOV, 'dossier.received', { channel: 'direct', electronicResult: false })),
      ...times(5, () => event('C2', NOV, 'dossier.complained')),
    ]);
    const at = '2026-11-20T10:00:00+07:00';
    expect(valueOf('dossier.satisfaction_766', state, at, 'C1').value).toBeCloseTo(85, 9);
    expect(valueOf('dossier.satisfaction_766', state, at, 'C2').value).toBe(0);
    // D: overdue (7 + 2) / (30 + 2) = 28.125 %, complaints 7 / 30 = 23.33 % → 48.54 %.
    expect(valueOf('dossier.satisfaction_766', state, at, 'D').value).toBeCloseTo(100 - 28.125 - 700 / 30, 9);
    // No dossiers at all: N/A, not 100.
    expect(valueOf('dossier.satisfaction_766', stateOf([]), at, 'C1').value).toBeNull();
  });

  it('online share counts dossiers filed online with an electronic result', () => {
    // 3 online with an electronic result, 1 online with a paper result, 1 direct → 3 / 5 = 60 %.
    const state = stateOf([
      ...times(3, () => event('C1', NOV, 'dossier.received', { channel: 'online', electronicResult: true })),
      event('C1', NOV, 'dossier.received', { channel: 'online', electronicResult: false }),
      event('C1', NOV, 'dossier.received', { channel: 'direct', electronicResult: false }),
    ]);
    expect(valueOf('dossier.online_pct', state, '2026-11-20T10:00:00+07:00', 'C1')).toMatchObject({
      value: 60,
      numerator: 3,
      denominator: 5,
    });
  });

  it('fully-online share is over the catalogue as it stands: the same at 03:00 as at 10:00 the day before', () => {
    // Catalogue listed 07:00 on 10 Nov: C1 four procedures, three fully online; C2 two, both fully online.
    // D: 5 / 6 = 83.33 %, and still so the next night.
    const state = stateOf([
      ...['P1', 'P2', 'P3'].map((code) =>
        event('C1', '2026-11-10T07:00:00+07:00', 'procedure.listed', { code }, { eligible: 1, fullyOnline: 1 }),
      ),
      event('C1', '2026-11-10T07:00:00+07:00', 'procedure.listed', { code: 'P4' }, { eligible: 1, fullyOnline: 0 }),
      ...['P5', 'P6'].map((code) =>
        event('C2', '2026-11-10T07:00:00+07:00', 'procedure.listed', { code }, { eligible: 1, fullyOnline: 1 }),
      ),
    ]);
    const at10 = valueOf('procedure.fully_online_pct', state, '2026-11-10T10:00:00+07:00', 'D');
    const at03 = valueOf('procedure.fully_online_pct', state, '2026-11-11T03:00:00+07:00', 'D');
    expect(at10).toMatchObject({ numerator: 5, denominator: 6 });
    expect(at03).toEqual(at10);
  });

  it('fully-online share at a parent counts each procedure code once', () => {
    // Birth registration (1.001193) is offered fully online by both communes, land transfer (1.004227)
    // by C1 only and not fully online: D has 2 procedures, 1 fully online = 50 % (not 2 / 3).
    const state = stateOf([
      event('C1', NOV, 'procedure.listed', { code: '1.001193' }, { eligible: 1, fullyOnline: 1 }),
      event('C2', NOV, 'procedure.listed', { code: '1.001193' }, { eligible: 1, fullyOnline: 1 }),
      event('C1', NOV, 'procedure.listed', { code: '1.004227' }, { eligible: 1, fullyOnline: 0 }),
    ]);
    expect(valueOf('procedure.fully_online_pct', state, '2026-11-20T10:00:00+07:00', 'D')).toMatchObject({
      value: 50,
      numerator: 1,
      denominator: 2,
    });
    expect(valueOf('procedure.fully_online_pct', state, '2026-11-20T10:00:00+07:00', 'C2')).toMatchObject({
      value: 100,
      numerator: 1,
      denominator: 1,
    });
  });

  it('the Decision 766 index: points per group up to the thresholds, groups without data left out, out of 100', () => {
    // C1 in November, worked by hand:
    // - progress (20): 9 finished on time, 1 late, no backlog → 90 % ≥ 90 % → 20 points;
    // - online services (22): catalogue 3 of 4 fully online = 75 % → 75/80 = 0.9375; 4 of 10 received
    //   online with an electronic result = 40 % → 40/50 = 0.8; 3 of 4 fee-bearing paid online = 75 % → 1;
    //   22 × (0.9375 + 0.8 + 1) / 3 = 20.075 points;
    // - satisfaction (18): overdue 1/10 = 10 %, complaints 1/10 = 10 % → 80 → 80/100 × 18 = 14.4 points;
    // - publicity and digitisation: no source, left out.
    // (20 + 20.075 + 14.4) / (20 + 22 + 18) × 100 = 54.475 / 60 × 100 = 90.7917 points.
    const listing = (code: string, fullyOnline: number) => event('C1', NOV, 'procedure.listed', { code }, { eligible: 1, fullyOnline });
    const state = stateOf([
      ...times(9, () => event('C1', NOV, 'dossier.resolved', { onTime: true })),
      event('C1', NOV, 'dossier.resolved', { onTime: false }),
      listing('A', 1),
      listing('B', 1),
      listing('C', 1),
      listing('D', 0),
      ...times(4, () => event('C1', NOV, 'dossier.received', { channel: 'online', electronicResult: true })),
      ...times(6, () => event('C1', NOV, 'dossier.received', { channel: 'direct', electronicResult: false })),
      ...times(3, () => event('C1', NOV, 'dossier.paid', { channel: 'online' })),
      event('C1', NOV, 'dossier.paid', { channel: 'direct' }),
      event('C1', NOV, 'dossier.complained'),
    ]);
    const at = '2026-11-20T10:00:00+07:00';
    const index = valueOf('dvc.index_766', state, at, 'C1');
    expect(index.numerator).toBeCloseTo(54.475, 9);
    expect(index.denominator).toBe(60);
    expect(index.value).toBeCloseTo(90.791666667, 6);
    // C2 has only a catalogue (1 of 2 fully online = 50 % → 50/80 of 22 = 13.75): 13.75 / 22 = 62.5.
    const c2 = stateOf([
      event('C2', NOV, 'procedure.listed', { code: 'A' }, { eligible: 1, fullyOnline: 1 }),
      event('C2', NOV, 'procedure.listed', { code: 'B' }, { eligible: 1, fullyOnline: 0 }),
    ]);
    expect(valueOf('dvc.index_766', c2, at, 'C2')).toMatchObject({ value: 62.5, numerator: 13.75, denominator: 22 });
    // No data at all: N/A, not 0.
    expect(valueOf('dvc.index_766', stateOf([]), at, 'C1').value).toBeNull();
  });

  it('counts are 0 when nothing happened and N/A only where the unit has no such source', () => {
    // F reported visits yesterday but none today: 0. C2 has no health facility: N/A. C1 (F's commune) 0.
    // Overdue documents: C1 reported 0 → 0; C2 never reported → N/A; D → 0 (C1's 0).
    const state = stateOf([
      event('F', '2026-11-09T10:00:00+07:00', 'visits.recorded', {}, { count: 12 }),
      event('C1', '2026-11-09T10:00:00+07:00', 'documents.overdue', {}, { count: 0 }),
    ]);
    const at = '2026-11-10T03:00:00+07:00';
    expect(valueOf('health.visits_today', state, at, 'F').value).toBe(0);
    expect(valueOf('health.visits_today', state, at, 'C1').value).toBe(0);
    expect(valueOf('health.visits_today', state, at, 'C2').value).toBeNull();
    expect(valueOf('doc.overdue', state, at, 'C1').value).toBe(0);
    expect(valueOf('doc.overdue', state, at, 'C2').value).toBeNull();
    expect(valueOf('doc.overdue', state, at, 'D').value).toBe(0);
    // A late-dossier count is 0 for a unit with dossiers but none late, N/A where no one-stop desk reports.
    const withDossiers = stateOf([event('C1', NOV, 'dossier.resolved', { onTime: true })]);
    expect(valueOf('dossier.late', withDossiers, '2026-11-20T10:00:00+07:00', 'C1').value).toBe(0);
    expect(valueOf('dossier.late', withDossiers, '2026-11-20T10:00:00+07:00', 'C2').value).toBeNull();
  });

  it('turns the other fields of the health and education systems into indicators', () => {
    // F: 40 visits with 34 electronic records today → 85 %; 3 + 1 emergencies today; 1 notifiable case this month.
    // School S1 under C2: 900 of 1000 pupils with học bạ số (90 %), 600 paying without cash (60 %); still so next day.
    const state = stateOf([
      event('F', '2026-11-10T08:00:00+07:00', 'visits.recorded', {}, { count: 40 }),
      event('F', '2026-11-10T08:00:00+07:00', 'health_records.opened', {}, { count: 34 }),
      event('F', '2026-11-10T08:00:00+07:00', 'emergencies.recorded', {}, { count: 3 }),
      event('F', '2026-11-10T09:00:00+07:00', 'emergencies.recorded', {}, { count: 1 }),
      event('F', '2026-11-02T09:00:00+07:00', 'diseases.notified', {}, { count: 1 }),
      event('C2', '2026-11-10T08:30:00+07:00', 'school_records.digital', {}, { digital: 900, enrolled: 1000 }),
      event('C2', '2026-11-10T08:30:00+07:00', 'tuition.cashless', {}, { cashless: 600, enrolled: 1000 }),
    ]);
    const at = '2026-11-10T10:00:00+07:00';
    expect(valueOf('health.ehr_pct', state, at, 'D')).toMatchObject({ value: 85, numerator: 34, denominator: 40 });
    expect(valueOf('health.emergencies_today', state, at, 'C1').value).toBe(4);
    expect(valueOf('health.notifiable_cases_month', state, at, 'D').value).toBe(1);
    expect(valueOf('edu.digital_records_pct', state, '2026-11-11T10:00:00+07:00', 'D').value).toBe(90);
    expect(valueOf('edu.cashless_tuition_pct', state, '2026-11-11T10:00:00+07:00', 'D').value).toBe(60);
    // A commune without a facility: N/A, not 0.
    expect(valueOf('health.emergencies_today', state, at, 'C2').value).toBeNull();
  });
});
