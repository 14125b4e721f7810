import type {
  IndicatorReading,
  ResolutionScorecard,
  ScorecardEntry,
  ScorecardUnitResult,
  TargetAppliesTo,
  TargetComparatorName,
  TargetResult,
  TargetStatus,
  UnitTierName,
} from '@ioc/contracts';
import type { IndicatorValue } from './evaluate';
import { startOfLocalDay } from './local-time';
import type { UnitTree } from './unit-tree';

export interface TargetData {
  id: string;
  indicatorId: string;
  appliesTo: TargetAppliesTo;
  /** Tier of LEVEL_* targets; null for a unit target. */
  tier: UnitTierName | null;
  /** Unit of UNIT_* targets; null for a level target. */
  unitCode: string | null;
  comparator: TargetComparatorName;
  value: number;
  /** First local day of the target's period; null = open. */
  periodStart: Date | null;
  /** Last local day by which the value must be reached; null = a standing threshold. */
  deadline: Date | null;
  resolutionCode: string | null;
  note?: string | null;
}

export interface TrendPoint {
  at: Date;
  value: number;
}

/** "Trên 90 %" is strictly above 90 (GT); "ít nhất", "không quá" are GTE / LTE. */
export function meets(value: number, target: Pick<TargetData, 'comparator' | 'value'>): boolean {
  switch (target.comparator) {
    case 'GT':
      return value > target.value;
    case 'GTE':
      return value >= target.value;
    case 'LT':
      return value < target.value;
    case 'LTE':
      return value <= target.value;
  }
}

/** End of a target's deadline day (local): the value may still be reached until then. */
export const deadlineEnd = (deadline: Date): Date => new Date(startOfLocalDay(deadline).getTime() + 86_400_000);

const DAY_MS = 86_400_000;
const inPeriod = (target: TargetData, now: Date): boolean =>
  !target.periodStart || startOfLocalDay(target.periodStart).getTime() <= now.getTime();
const lastDay = (target: TargetData): number => (target.deadline ? deadlineEnd(target.deadline).getTime() : Number.MAX_SAFE_INTEGER);

/**
 * The target of the current period among several: periods that have started, the nearest
 * deadline not yet passed first, else the most recently passed one.
 */
function currentOf(targets: TargetData[], now: Date): TargetData | null {
  const started = targets.filter((t) => inPeriod(t, now));
  const open = started.filter((t) => lastDay(t) > now.getTime()).sort((a, b) => lastDay(a) - lastDay(b));
  if (open[0]) return open[0];
  return started.sort((a, b) => lastDay(b) - lastDay(a))[0] ?? null;
}

/** Top units of a tier: those whose parent is not of the same tier (the province for PROVINCE). */
const isTopOfTier = (tree: UnitTree, code: string): boolean => {
  const unit = tree.get(code);
  const parent = unit?.parentCode ? tree.get(unit.parentCode) : undefined;
  return !!unit && (!parent || parent.tier !== unit.tier);
};

/**
 * The target that judges one (indicator, unit) stream: a target for the unit itself wins over
 * one for its tier taken unit by unit (LEVEL_EACH), which wins over a level aggregate (shown on
 * the top unit of the tier); within each, the current period's.
 */
const indexedTargets = new WeakMap<readonly TargetData[], ReadonlyMap<string, TargetData[]>>();

/** The targets grouped by indicator, once per list (targetFor runs for every stream of every publish). */
function targetsByIndicator(targets: readonly TargetData[]): ReadonlyMap<string, TargetData[]> {
  let index = indexedTargets.get(targets);
  if (!index) {
    const grouped = new Map<string, TargetData[]>();
    for (const target of targets) grouped.set(target.indicatorId, [...(grouped.get(target.indicatorId) ?? []), target]);
    indexedTargets.set(targets, (index = grouped));
  }
  return index;
}

export function targetFor(
  targets: readonly TargetData[],
  indicatorId: string,
  unit: { code: string; tier: UnitTierName },
  tree: UnitTree,
  now: Date,
): TargetData | null {
  const forIndicator = targetsByIndicator(targets).get(indicatorId);
  if (!forIndicator) return null;
  const own = forIndicator.filter((t) => (t.appliesTo === 'UNIT_OWN' || t.appliesTo === 'UNIT_SUBTREE') && t.unitCode === unit.code);
  const each = forIndicator.filter((t) => t.appliesTo === 'LEVEL_EACH' && t.tier === unit.tier);
  const level = isTopOfTier(tree, unit.code) ? forIndicator.filter((t) => t.appliesTo === 'LEVEL_AGGREGATE' && t.tier === unit.tier) : [];
  return currentOf(own, now) ?? currentOf(each, now) ?? currentOf(level, now);
}

/**
 * Least-squares line through the recent trend, read at the deadline. null with fewer than two
 * points or when they all share one instant (no trend to extrapolate).
 */
export function projectToDeadline(points: readonly TrendPoint[], deadline: Date): number | null {
  const [first] = points;
  if (!first || points.length < 2) return null;
  const origin = first.at.getTime();
  const xs = points.map((p) => (p.at.getTime() - origin) / DAY_MS);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = points.reduce((a, p) => a + p.value, 0) / points.length;
  const sxx = xs.reduce((a, x) => a + (x - meanX) ** 2, 0);
  if (sxx === 0) return null;
  const sxy = points.reduce((a, p, i) => a + (xs[i]! - meanX) * (p.value - meanY), 0);
  const slope = sxy / sxx;
  return meanY + slope * ((deadline.getTime() - origin) / DAY_MS - meanX);
}

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

/** What a target's evaluation reads: per-stream values, and the own records of a set of units together. */
export interface TargetInputs {
  tree: UnitTree;
  now: Date;
  valueOf(indicatorId: string, unitCode: string): IndicatorValue | undefined;
  ownAggregate(indicatorId: string, unitCodes: readonly string[]): IndicatorReading;
}

const NO_READING: IndicatorReading = { value: null, numerator: null, denominator: null };
const higherIsBetter = (target: TargetData): boolean => target.comparator === 'GT' || target.comparator === 'GTE';

/** The units of a level target: active units of its tier. */
const unitsOfTier = (inputs: TargetInputs, tier: UnitTierName | null): string[] =>
  inputs.tree
    .activeAt(inputs.now)
    .filter((unit) => unit.tier === tier)
    .map((unit) => unit.code);

/** The reading a stream is judged on for a target: own records, subtree, or (top unit of a level) the level aggregate. */
export function judgedReading(target: TargetData, value: IndicatorValue, inputs: TargetInputs): IndicatorReading {
  switch (target.appliesTo) {
    case 'UNIT_SUBTREE':
      return value;
    case 'UNIT_OWN':
    case 'LEVEL_EACH':
      return value.own;
    case 'LEVEL_AGGREGATE':
      return inputs.ownAggregate(target.indicatorId, unitsOfTier(inputs, target.tier));
  }
}

/**
 * A target judged as it is meant: a level aggregate on the own records of every unit of the tier
 * together; LEVEL_EACH on each unit's own records, met when every unit with a value meets it (at
 * least one); a unit target on that unit's subtree or own records. N/A units count neither way.
 */
export function evaluateTarget(target: TargetData, inputs: TargetInputs): TargetResult {
  const at = inputs.now.toISOString();
  const ownOf = (code: string): IndicatorReading => inputs.valueOf(target.indicatorId, code)?.own ?? NO_READING;
  const unitResults = (codes: string[], readingOf: (code: string) => IndicatorReading): ScorecardUnitResult[] =>
    codes
      .map((unitCode) => ({ unitCode, value: readingOf(unitCode).value }))
      .filter((u): u is { unitCode: string; value: number } => u.value !== null)
      .map((u) => ({ ...u, met: meets(u.value, target) }))
      .sort((a, b) => Number(a.met) - Number(b.met) || (higherIsBetter(target) ? a.value - b.value : b.value - a.value));
  if (target.appliesTo === 'LEVEL_AGGREGATE' || target.appliesTo === 'LEVEL_EACH') {
    const codes = unitsOfTier(inputs, target.tier);
    const units = unitResults(codes, ownOf);
    const unitsMet = units.filter((u) => u.met).length;
    if (target.appliesTo === 'LEVEL_AGGREGATE') {
      const reading = inputs.ownAggregate(target.indicatorId, codes);
      return { ...reading, unitsEvaluated: units.length, unitsMet, met: reading.value !== null && meets(reading.value, target), units, at };
    }
    // The worst unit (first: misses first, then the farthest from the target) decides whether every unit meets it.
    const worst = units[0];
    const worstReading = worst ? ownOf(worst.unitCode) : NO_READING;
    return { ...worstReading, unitsEvaluated: units.length, unitsMet, met: units.length > 0 && unitsMet === units.length, units, at };
  }
  const value = target.unitCode ? inputs.valueOf(target.indicatorId, target.unitCode) : undefined;
  const reading = !value
    ? NO_READING
    : target.appliesTo === 'UNIT_OWN'
      ? value.own
      : { value: value.value, numerator: value.numerator, denominator: value.denominator };
  const units = target.unitCode ? unitResults([target.unitCode], () => reading) : [];
  return {
    ...reading,
    unitsEvaluated: units.length,
    unitsMet: units.filter((u) => u.met).length,
    met: reading.value !== null && meets(reading.value, target),
    units,
    at,
  };
}

/** Status of a scorecard entry today: met now, or before the deadline at risk, after it missed. */
function entryStatus(result: TargetResult, target: TargetData, now: Date): TargetStatus {
  if (result.met) return 'met';
  if (result.unitsEvaluated === 0 && result.value === null) return 'no_data';
  return target.deadline && deadlineEnd(target.deadline) > now ? 'at_risk' : 'missed';
}

const isoDay = (day: Date | null): string | null => (day ? day.toISOString().slice(0, 10) : null);

/**
 * "n / m targets met" per resolution, from today's values; every target of the resolution
 * counts, and a target whose deadline has passed carries its result at the deadline beside today's.
 */
export function scorecards(
  targets: readonly TargetData[],
  inputs: TargetInputs,
  titles: ReadonlyMap<string, string>,
  resultsAtDeadline: ReadonlyMap<string, TargetResult>,
): ResolutionScorecard[] {
  const byResolution = new Map<string, TargetData[]>();
  for (const target of targets) {
    if (!target.resolutionCode) continue;
    byResolution.set(target.resolutionCode, [...(byResolution.get(target.resolutionCode) ?? []), target]);
  }
  return [...byResolution].map(([resolutionCode, list]) => {
    const entries = list.map((target): ScorecardEntry => {
      const result = evaluateTarget(target, inputs);
      const passed = !!target.deadline && deadlineEnd(target.deadline) <= inputs.now;
      return {
        targetId: target.id,
        indicatorId: target.indicatorId,
        appliesTo: target.appliesTo,
        tier: target.tier,
        unitCode: target.unitCode,
        target: target.value,
        comparator: target.comparator,
        periodStart: isoDay(target.periodStart),
        deadline: isoDay(target.deadline),
        note: target.note ?? null,
        ...result,
        status: entryStatus(result, target, inputs.now),
        atDeadline: passed ? (resultsAtDeadline.get(target.id) ?? null) : null,
      };
    });
    return {
      resolutionCode,
      title: titles.get(resolutionCode) ?? resolutionCode,
      met: entries.filter((e) => e.met).length,
      total: entries.length,
      entries,
      asOf: inputs.now.toISOString(),
    };
  });
}

/** A target result restricted to the visible units (LEVEL_EACH), or null when it depends on units outside them. */
function resultWithin<T extends TargetResult>(
  result: T,
  appliesTo: TargetAppliesTo,
  unitCode: string | null,
  visible: (code: string) => boolean,
): T | null {
  if (appliesTo === 'UNIT_SUBTREE' || appliesTo === 'UNIT_OWN') return unitCode && visible(unitCode) ? result : null;
  if (result.units.every((u) => visible(u.unitCode))) return result;
  if (appliesTo === 'LEVEL_AGGREGATE') return null;
  const units = result.units.filter((u) => visible(u.unitCode));
  const unitsMet = units.filter((u) => u.met).length;
  const worst = units[0];
  return {
    ...result,
    units,
    unitsEvaluated: units.length,
    unitsMet,
    met: units.length > 0 && unitsMet === units.length,
    value: worst?.value ?? null,
    numerator: null,
    denominator: null,
  };
}

/**
 * A scorecard as someone who sees only some units may see it: targets judged wholly on visible
 * units as they are, per-unit level targets over the visible units only (counted again), and
 * targets that depend on units outside left out.
 */
export function scorecardWithin(card: ResolutionScorecard, visible: (code: string) => boolean): ResolutionScorecard {
  const entries = card.entries.flatMap((entry): ScorecardEntry[] => {
    const today = resultWithin(entry, entry.appliesTo, entry.unitCode, visible);
    if (!today) return [];
    const atDeadline = entry.atDeadline && resultWithin(entry.atDeadline, entry.appliesTo, entry.unitCode, visible);
    const status =
      today === entry
        ? entry.status
        : today.met
          ? 'met'
          : today.unitsEvaluated === 0
            ? 'no_data'
            : entry.status === 'met'
              ? 'at_risk'
              : entry.status;
    return [{ ...today, atDeadline, status }];
  });
  return { ...card, entries, met: entries.filter((e) => e.met).length, total: entries.length };
}
