/** Indicator formulas and windows are data (indicator_definitions.formula / .window). */

export type UnitTierName = 'PROVINCE' | 'DISTRICT' | 'COMMUNE';

export interface EventFilter {
  kind: string;
  /** Attribute equality filters; every entry must match. */
  where?: Record<string, string | number | boolean | null>;
}

export type Term =
  | { op: 'count'; filter: EventFilter }
  | { op: 'sum'; filter: EventFilter; field: string }
  /**
   * Newest reading per reporting unit. `standing`: the newest ever (a stock such as a backlog),
   * whatever the indicator's window, so it can stand beside the window's counts. `distinct`: the
   * newest reading per reporting unit and value of that attribute (a procedure code), and the term
   * counts the attribute values with a positive reading, each once however many units report it.
   */
  | { op: 'latest'; filter: EventFilter; field: string; standing?: boolean; distinct?: string };

/**
 * Σ numerator terms / Σ denominator terms over the unit's subtree, times scale (100 for %).
 * With complement, the value is scale − that.
 */
export type RatioFormula = { op: 'ratio'; numerator: Term[]; denominator: Term[]; scale: number; complement?: boolean };
/**
 * Decision 766 style score: scale − Σ (share of each part) × scale, never below 0; N/A when a
 * part's denominator is 0 (766 satisfaction: 100 − overdue share − share of dossiers with complaints).
 */
export type ScoreFormula = { op: 'score'; scale: number; minus: { numerator: Term[]; denominator: Term[] }[] };

/**
 * A group of a composite index (Decision 766: five groups with their points). Each item earns
 * its share of the group's points in proportion to its value up to `fullAt` (full points at or
 * above it); items without data are left out and the others share the group's points. A group
 * without items or without data is N/A.
 */
export interface IndexGroup {
  name: string;
  weight: number;
  items: { formula: RatioFormula | ScoreFormula; fullAt: number }[];
}

export type Formula =
  | Term
  | RatioFormula
  | { op: 'average'; filter: EventFilter; field: string }
  | ScoreFormula
  /**
   * Composite index out of 100: Σ points of the groups with data / Σ weights of those groups × 100
   * (numerator: points earned, denominator: points at stake); N/A when no group has data.
   */
  | { op: 'index'; groups: IndexGroup[] }
  /** Seconds since the freshest successful read of the sources feeding the unit. */
  | { op: 'freshness' };

/** A wall-display layout (dashboards.layout). */
export interface DashboardTile {
  indicatorId: string;
  unitCode: string;
  /** Colour bands: value at or above `good` is green, at or above `warn` amber, else red (reversed for LTE targets). */
  thresholds?: { good: number; warn: number };
}

export interface DashboardLayout {
  columns: number;
  tiles: DashboardTile[];
}

/**
 * dashboards.layout as stored (JSON) typed as a DashboardLayout, or null when it is not one: the
 * REST API validates layouts on the way in; this guards every reader against a row edited by hand.
 */
export function parseDashboardLayout(value: unknown): DashboardLayout | null {
  if (typeof value !== 'object' || value === null) return null;
  const { columns, tiles } = value as Partial<Record<keyof DashboardLayout, unknown>>;
  if (typeof columns !== 'number' || !Array.isArray(tiles)) return null;
  const wellFormed = tiles.every(
    (tile: unknown) =>
      typeof tile === 'object' &&
      tile !== null &&
      typeof (tile as DashboardTile).indicatorId === 'string' &&
      typeof (tile as DashboardTile).unitCode === 'string',
  );
  return wellFormed ? (value as DashboardLayout) : null;
}

export type IndicatorWindow =
  | { type: 'today' }
  | { type: 'month_to_date' }
  | { type: 'year_to_date' }
  | { type: 'rolling'; minutes: number }
  /** A stock as it stands: the newest reading ever received (a catalogue, a backlog), not a daily flow. */
  | { type: 'standing' };

export type TargetStatus = 'met' | 'on_track' | 'at_risk' | 'missed' | 'no_target' | 'no_data';

/** GT = "trên" (strictly above), GTE = "ít nhất", LT = "dưới", LTE = "không quá". */
export type TargetComparatorName = 'GT' | 'GTE' | 'LT' | 'LTE';

/**
 * What a target is judged on:
 * - LEVEL_AGGREGATE: the own records of every unit of a tier taken together (NQ13 "cấp tỉnh":
 *   the province-level agencies as a whole);
 * - LEVEL_EACH: each unit of a tier on its own records, met when every one with a value meets it
 *   (NQ13 "cấp huyện", "cấp xã");
 * - UNIT_SUBTREE: one unit with everything below it;
 * - UNIT_OWN: one unit's own records.
 */
export type TargetAppliesTo = 'LEVEL_AGGREGATE' | 'LEVEL_EACH' | 'UNIT_SUBTREE' | 'UNIT_OWN';

/** A value over some records: N/A (null) when a ratio's denominator is 0 or a gauge was never reported. */
export interface IndicatorReading {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export interface SourceFreshness {
  sourceId: string;
  lastSuccessAt: string | null;
  lagSeconds: number | null;
}

/** Published by the aggregator, pushed by the gateway. */
export interface IndicatorUpdate {
  indicatorId: string;
  unitCode: string;
  /** Over the unit's whole subtree. null when the denominator is zero or there is no data: N/A, never 0. */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Over the records of the unit itself (its own offices), without the units below it. */
  own: IndicatorReading;
  target: number | null;
  /** How `status` was judged: which reading was compared with `target`, and how; null without a target. */
  judged: { appliesTo: TargetAppliesTo; comparator: TargetComparatorName; value: number | null } | null;
  status: TargetStatus;
  asOf: string;
  freshness: SourceFreshness[];
  /** The value is an age in seconds as of `asOf` (source freshness): it grows by itself, displays count it on from the sources' last reads. */
  ageSeconds?: true;
  /** Per (indicator, unit) stream, strictly increasing within an epoch. */
  seq: number;
  epoch: string;
}

export const streamKey = (indicatorId: string, unitCode: string): string => `${indicatorId}:${unitCode}`;
