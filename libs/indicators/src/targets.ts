import type { ResolutionScorecard, ScorecardEntry, TargetStatus, UnitTierName } from '@ioc/contracts';
import { startOfLocalDay } from './local-time';
import type { UnitTree } from './unit-tree';

export interface TargetData {
  id: string;
  indicatorId: string;
  /** Tier the target applies to; null when it is for one unit (unitCode). */
  tier: UnitTierName | null;
  unitCode: string | null;
  comparator: 'GTE' | 'LTE';
  value: number;
  /** Last day (local) by which the value must be reached; null = a standing threshold. */
  deadline: Date | null;
  resolutionCode: string | null;
}

export interface TrendPoint {
  at: Date;
  value: number;
}

export const meets = (value: number, target: Pick<TargetData, 'comparator' | 'value'>): boolean =>
  target.comparator === 'GTE' ? value >= target.value : value <= target.value;

/** The target of a unit: one set for the unit itself wins over the one for its tier; nearest deadline first. */
export function targetFor(targets: readonly TargetData[], indicatorId: string, unit: { code: string; tier: UnitTierName }): TargetData | null {
  const byDeadline = (a: TargetData, b: TargetData): number =>
    (a.deadline?.getTime() ?? Number.MAX_SAFE_INTEGER) - (b.deadline?.getTime() ?? Number.MAX_SAFE_INTEGER);
  const forIndicator = targets.filter((t) => t.indicatorId === indicatorId);
  const own = forIndicator.filter((t) => t.unitCode === unit.code).sort(byDeadline);
  if (own.length > 0) return own[0];
  return forIndicator.filter((t) => t.unitCode === null && t.tier === unit.tier).sort(byDeadline)[0] ?? null;
}

/**
 * Least-squares line through the recent trend, read at the deadline. null with fewer than two
 * points or when they all share one instant (no trend to extrapolate).
 */
export function projectToDeadline(points: readonly TrendPoint[], deadline: Date): number | null {
  if (points.length < 2) return null;
  const origin = points[0].at.getTime();
  const xs = points.map((p) => (p.at.getTime() - origin) / 86_400_000);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = points.reduce((a, p) => a + p.value, 0) / points.length;
  const sxx = xs.reduce((a, x) => a + (x - meanX) ** 2, 0);
  if (sxx === 0) return null;
  const sxy = xs.reduce((a, x, i) => a + (x - meanX) * (points[i].value - meanY), 0);
  const slope = sxy / sxx;
  return meanY + slope * ((deadline.getTime() - origin) / 86_400_000 - meanX);
}

/** End of a target's deadline day (local): the value may still be reached until then. */
const deadlineEnd = (deadline: Date): Date => new Date(startOfLocalDay(deadline).getTime() + 86_400_000);

/**
 * met: the value satisfies the target now. Otherwise: missed once the deadline has passed (or
 * for a standing threshold); before the deadline on_track when the projection reaches it, else at_risk.
 */
export function targetStatus(value: number | null, target: TargetData | null, now: Date, projection: number | null = null): TargetStatus {
  if (value === null) return 'no_data';
  if (!target) return 'no_target';
  if (meets(value, target)) return 'met';
  if (!target.deadline || deadlineEnd(target.deadline) <= now) return 'missed';
  return projection !== null && meets(projection, target) ? 'on_track' : 'at_risk';
}

/**
 * "n of m targets met" per resolution. A tier target is met when every active unit of the
 * tier that has a value meets it (and at least one has a value); a unit target, by that unit.
 */
export function scorecards(
  targets: readonly TargetData[],
  valueOf: (indicatorId: string, unitCode: string) => number | null,
  tree: UnitTree,
  now: Date,
): ResolutionScorecard[] {
  const byResolution = new Map<string, TargetData[]>();
  for (const target of targets) {
    if (!target.resolutionCode) continue;
    byResolution.set(target.resolutionCode, [...(byResolution.get(target.resolutionCode) ?? []), target]);
  }
  const active = tree.activeAt(now);
  return [...byResolution].map(([resolutionCode, list]) => {
    const entries = list.map((target): ScorecardEntry => {
      const units = target.unitCode ? [target.unitCode] : active.filter((unit) => unit.tier === target.tier).map((unit) => unit.code);
      const values = units.map((code) => valueOf(target.indicatorId, code)).filter((v): v is number => v !== null);
      const unitsMet = values.filter((v) => meets(v, target)).length;
      return {
        targetId: target.id,
        indicatorId: target.indicatorId,
        tier: target.tier,
        unitCode: target.unitCode,
        target: target.value,
        comparator: target.comparator,
        unitsEvaluated: values.length,
        unitsMet,
        met: values.length > 0 && unitsMet === values.length,
      };
    });
    return { resolutionCode, met: entries.filter((e) => e.met).length, total: entries.length, entries, asOf: now.toISOString() };
  });
}
