import type { Formula } from '@ioc/contracts';

/** One stored history point of one unit (indicator_snapshots row). */
export interface HistoryRow {
  bucketStart: Date;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  asOf: Date;
}

/**
 * Points of a unit's lineage (the unit and every unit merged into it, transitively) combined per
 * bucket the way the formula combines a subtree: ratios and averages as Σnumerators/Σdenominators,
 * counts and sums as Σ, freshness as the freshest. So a commune formed on 2025-07-01 shows, before
 * that day, the sum of the communes it was formed from.
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
      const asOf = new Date(Math.max(...points.map((p) => p.asOf.getTime())));
      const bucketStart = new Date(bucket);
      if (points.length === 1) return points[0]!;
      const sum = (values: (number | null)[]): number | null => (values.every((v) => v === null) ? null : values.reduce<number>((s, v) => s + (v ?? 0), 0));
      if (formula.op === 'ratio' || formula.op === 'average') {
        const numerator = sum(points.map((p) => p.numerator));
        const denominator = sum(points.map((p) => p.denominator));
        const scale = formula.op === 'ratio' ? formula.scale : 1;
        const share = numerator === null || !denominator ? null : (numerator * scale) / denominator;
        const value = share === null ? null : formula.op === 'ratio' && formula.complement ? scale - share : share;
        return { bucketStart, value, numerator, denominator, asOf };
      }
      if (formula.op === 'freshness') {
        const ages = points.map((p) => p.value).filter((v): v is number => v !== null);
        return { bucketStart, value: ages.length === 0 ? null : Math.min(...ages), numerator: null, denominator: null, asOf };
      }
      const value = sum(points.map((p) => p.value));
      return { bucketStart, value, numerator: value, denominator: null, asOf };
    });
}
