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
  | { op: 'latest'; filter: EventFilter; field: string };

export type Formula =
  | Term
  /**
   * Σ numerator terms / Σ denominator terms over the unit's subtree, times scale (100 for %).
   * With complement, the value is scale − that (766 satisfaction: 100 % − late and complaint shares).
   */
  | { op: 'ratio'; numerator: Term[]; denominator: Term[]; scale: number; complement?: boolean }
  | { op: 'average'; filter: EventFilter; field: string }
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

export type IndicatorWindow =
  | { type: 'today' }
  | { type: 'month_to_date' }
  | { type: 'year_to_date' }
  | { type: 'rolling'; minutes: number };

export type TargetStatus = 'met' | 'on_track' | 'at_risk' | 'missed' | 'no_target' | 'no_data';

export interface SourceFreshness {
  sourceId: string;
  lastSuccessAt: string | null;
  lagSeconds: number | null;
}

/** Published by the aggregator, pushed by the gateway. */
export interface IndicatorUpdate {
  indicatorId: string;
  unitCode: string;
  /** null when the denominator is zero or there is no data: N/A, never 0. */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  target: number | null;
  status: TargetStatus;
  asOf: string;
  freshness: SourceFreshness[];
  /** Per (indicator, unit) stream, strictly increasing within an epoch. */
  seq: number;
  epoch: string;
}

export const streamKey = (indicatorId: string, unitCode: string): string => `${indicatorId}:${unitCode}`;
