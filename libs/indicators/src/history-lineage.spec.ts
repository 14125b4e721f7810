import type { Formula } from '@ioc/contracts';
import { combineLineageHistory, type HistoryRow } from './history-lineage';

const day = (d: string): Date => new Date(`${d}T00:00:00+07:00`);
/** A stored point whose own records are a tenth of its subtree's, so both combinations are checked. */
const row = (d: string, numerator: number | null, denominator: number | null, value: number | null): HistoryRow => ({
  bucketStart: day(d),
  numerator,
  denominator,
  value,
  asOf: day(d),
  ownNumerator: numerator === null ? null : numerator / 10,
  ownDenominator: denominator === null ? null : denominator / 10,
  ownValue: value,
});
const ratio: Formula = {
  op: 'ratio',
  numerator: [{ op: 'count', filter: { kind: 'a' } }],
  denominator: [{ op: 'count', filter: { kind: 'b' } }],
  scale: 100,
};

describe('combineLineageHistory', () => {
  it('gives a ratio over the former units as Σnumerators / Σdenominators, never an average of their percentages', () => {
    const combined = combineLineageHistory(ratio, [
      row('2025-06-30', 9, 10, 90),
      row('2025-06-30', 10, 40, 25),
      row('2025-07-01', 60, 80, 75),
    ]);
    expect(combined.map((p) => [p.bucketStart.toISOString(), p.numerator, p.denominator, p.value])).toEqual([
      [day('2025-06-30').toISOString(), 19, 50, 38],
      [day('2025-07-01').toISOString(), 60, 80, 75],
    ]);
    expect(combined.map((p) => [p.ownNumerator, p.ownDenominator, p.ownValue])).toEqual([
      [1.9, 5, 38],
      [6, 8, 75],
    ]);
  });

  it('gives N/A for a score over several former units (its terms are not stored), and the one value where only one had data', () => {
    const score: Formula = { op: 'score', scale: 100, minus: [] };
    expect(combineLineageHistory(score, [row('2025-06-29', null, null, 80), row('2025-06-29', null, null, 60)])[0]!.value).toBeNull();
    expect(combineLineageHistory(score, [row('2025-06-29', null, null, 80), row('2025-06-29', null, null, null)])[0]!.value).toBe(80);
  });

  it('does the same for an index and for a share of distinct codes (the former units may list the same procedure)', () => {
    const index: Formula = { op: 'index', groups: [] };
    expect(combineLineageHistory(index, [row('2025-06-29', 50, 60, 83), row('2025-06-29', 40, 60, 67)])[0]!.value).toBeNull();
    const listed = { op: 'latest' as const, filter: { kind: 'procedure.listed' }, field: 'eligible', standing: true, distinct: 'code' };
    const distinctShare: Formula = { op: 'ratio', numerator: [{ ...listed, field: 'fullyOnline' }], denominator: [listed], scale: 100 };
    expect(combineLineageHistory(distinctShare, [row('2025-06-29', 3, 4, 75), row('2025-06-29', 2, 2, 100)])[0]!.value).toBeNull();
    expect(combineLineageHistory(distinctShare, [row('2025-06-29', 3, 4, 75), row('2025-06-29', null, null, null)])[0]).toMatchObject({
      numerator: 3,
      denominator: 4,
      value: 75,
    });
  });

  it('sums counts and keeps N/A when no former unit had a value', () => {
    const count: Formula = { op: 'count', filter: { kind: 'a' } };
    expect(combineLineageHistory(count, [row('2025-06-29', 3, null, 3), row('2025-06-29', 4, null, 4)]).map((p) => p.value)).toEqual([7]);
    expect(combineLineageHistory(ratio, [row('2025-06-29', 0, 0, null), row('2025-06-29', 0, 0, null)]).map((p) => p.value)).toEqual([
      null,
    ]);
  });

  it('keeps the complement of 766 satisfaction over the combined shares', () => {
    const satisfaction: Formula = { ...(ratio as Extract<Formula, { op: 'ratio' }>), complement: true };
    expect(combineLineageHistory(satisfaction, [row('2025-06-29', 1, 10, 90), row('2025-06-29', 4, 10, 60)])[0]!.value).toBe(75);
  });
});
