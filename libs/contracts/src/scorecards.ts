import type { UnitTierName } from './indicators';

/** One target of a resolution, evaluated over the units it applies to. */
export interface ScorecardEntry {
  targetId: string;
  indicatorId: string;
  tier: UnitTierName | null;
  unitCode: string | null;
  target: number;
  comparator: 'GTE' | 'LTE';
  /** Units with a value (N/A units are not counted either way). */
  unitsEvaluated: number;
  unitsMet: number;
  met: boolean;
}

/** "n of m targets met" for a resolution (e.g. Nghị quyết 13-NQ/TU), as of `asOf`. */
export interface ResolutionScorecard {
  resolutionCode: string;
  met: number;
  total: number;
  entries: ScorecardEntry[];
  asOf: string;
}

/** Hash written by the aggregator: resolution code → JSON ResolutionScorecard. */
export const scorecardsRedisKey = (prefix: string): string => `${prefix}:scorecards`;
