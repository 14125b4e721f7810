import type { IndicatorReading, TargetAppliesTo, TargetComparatorName, TargetStatus, UnitTierName } from './indicators';

/** One unit's part in a target judged per unit (LEVEL_EACH), or the unit of a unit target. */
export interface ScorecardUnitResult {
  unitCode: string;
  value: number | null;
  met: boolean;
}

/** A target's result at one instant: the value judged and, per unit, who met it. */
export interface TargetResult extends IndicatorReading {
  /** `value` is the judged one: the level aggregate, the unit's value, or for LEVEL_EACH the worst unit's value. */
  /** Units with a value (N/A units are not counted either way). */
  unitsEvaluated: number;
  unitsMet: number;
  met: boolean;
  /** Per-unit values of LEVEL_EACH targets (for drill-down), the unit itself otherwise; units that miss first. */
  units: ScorecardUnitResult[];
  at: string;
}

/** One target of a resolution, evaluated over what it applies to. */
export interface ScorecardEntry extends TargetResult {
  targetId: string;
  indicatorId: string;
  appliesTo: TargetAppliesTo;
  tier: UnitTierName | null;
  unitCode: string | null;
  target: number;
  comparator: TargetComparatorName;
  /** Period the target belongs to: [periodStart, deadline] (local days); null ends = open. */
  periodStart: string | null;
  deadline: string | null;
  /** Today's status: met, or before the deadline on_track / at_risk, after it missed. */
  status: TargetStatus;
  /** After the deadline: the result as of the end of the deadline day (recomputed from stored events); null before it. */
  atDeadline: TargetResult | null;
  note: string | null;
}

/** "n / m targets met" for a resolution (e.g. Nghị quyết 13-NQ/TU), as of `asOf`. */
export interface ResolutionScorecard {
  resolutionCode: string;
  title: string;
  met: number;
  total: number;
  entries: ScorecardEntry[];
  asOf: string;
}
