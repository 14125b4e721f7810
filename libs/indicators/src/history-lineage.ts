import type { Formula } from '@ioc/contracts';

/** One stored history point of one unit (indicator_snapshots row): subtree and own readings. */
export interface HistoryRow {
  bucketStart: Date;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  ownValue: number | null;
  ownNumerator: number | null;
  ownDenominator: number | null;
  asOf: Date;
}

interface Reading {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

const sum = (values: (number | null)[]): number | null =>
  values.every((v) => v === null) ? null : values.reduce<number>((s, v) => s + (v ?? 0), 0);

const countsDistinct = (formula: Formula): boolean =>
  formula.op === 'ratio' &&
  [...formula.numerator, ...formula.denominator].some((term) => term.op === 'latest' && term.distinct !== undefined);

/** Several units' readings of one bucket combined as the formula combines a subtree. */
function combineReadings(formula: Formula, readings: Reading[]): Reading {
  if (formula.op === 'score' || formula.op === 'index' || countsDistinct(formula)) {
    // A score subtracts shares whose terms are not stored, an index weighs them, and values counted
    // once (procedure codes) may repeat across units: exact only when one unit has data.
    const withData = readings.filter((r) => r.value !== null);
    return withData.length === 1 ? withData[0]! : { value: null, numerator: null, denominator: null };
  }
  if (formula.op === 'ratio' || formula.op === 'average') {
    const numerator = sum(readings.map((r) => r.numerator));
    const denominator = sum(readings.map((r) => r.denominator));
    const scale = formula.op === 'ratio' ? formula.scale : 1;
    const share = numerator === null || !denominator ? null : (numerator * scale) / denominator;
    const value = share === null ? null : formula.op === 'ratio' && formula.complement ? scale - share : share;
    return { value, numerator, denominator };
  }
  if (formula.op === 'freshness') {
    const ages = readings.map((r) => r.value).filter((v): v is number => v !== null);
    return { value: ages.length === 0 ? null : Math.min(...ages), numerator: null, denominator: null };
  }
  const value = sum(readings.map((r) => r.value));
  return { value, numerator: value, denominator: null };
}

/**
 * Points of a unit's lineage (the unit and every unit merged into it, transitively) combined per
 * bucket the way the formula combines a subtree: ratios and averages as Σnumerators/Σdenominators,
 * counts and sums as Σ, freshness as the freshest, for the subtree and the own readings alike. So a
 * commune formed on 2025-07-01 shows, before that day, the sum of the communes it was formed from.
 */
export function combineLineageHistory(formula: Formula, rows: HistoryRow[]): HistoryRow[] {
  const byBucket = new Map<number, HistoryRow[]>();
  for (const row of rows) {
    const key = row.bucketStart.getTime();
    byBucket.set(key, [...(byBucket.get(key) ?? []), row]);
  }
  return [...byBucket.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, points]): HistoryRow => {
      if (points.length === 1) return points[0]!;
      const subtree = combineReadings(formula, points);
      const own = combineReadings(
        formula,
        points.map((p) => ({ value: p.ownValue, numerator: p.ownNumerator, denominator: p.ownDenominator })),
      );
      return {
        bucketStart: new Date(bucket),
        ...subtree,
        ownValue: own.value,
        ownNumerator: own.numerator,
        ownDenominator: own.denominator,
        asOf: new Date(Math.max(...points.map((p) => p.asOf.getTime()))),
      };
    });
}
