import type { AlertSeverityName, UnitTierName } from '@ioc/contracts';

export type AlertRuleKindName =
  'THRESHOLD_BELOW' | 'THRESHOLD_ABOVE' | 'BELOW_TARGET' | 'RATE_OF_CHANGE' | 'STALE_SOURCE' | 'CONNECTOR_DOWN' | 'PROJECTED_MISS';

/** Which units a rule watches; every present criterion must hold. */
export interface RuleScope {
  unitIds?: string[];
  unitCodes?: string[];
  tiers?: UnitTierName[];
  /** Code of a unit; the rule covers that unit and everything below it. */
  subtreeOf?: string;
  /** Unit path of the rule's owner (its author's unit): the rule never covers a unit outside it. */
  within?: string;
}

export type RuleParams =
  | { kind: 'THRESHOLD_BELOW' | 'THRESHOLD_ABOVE'; threshold: number }
  | { kind: 'BELOW_TARGET' }
  /** Breach when |value now − value windowSeconds ago| ≥ maxChange (in the indicator's unit). */
  | { kind: 'RATE_OF_CHANGE'; windowSeconds: number; maxChange: number }
  /** Breach when the source (any source when sourceId is absent) had no successful read for maxAgeSeconds. */
  | { kind: 'STALE_SOURCE'; maxAgeSeconds: number; sourceId?: string }
  | { kind: 'CONNECTOR_DOWN'; sourceId?: string }
  /** Linear trend over windowSeconds, extrapolated to the deadline, ends below target (GTE targets). */
  | { kind: 'PROJECTED_MISS'; windowSeconds: number; deadline: string; target?: number };

/** A rule as the engine sees it (validated alert_rules row). */
export interface RuleSpec {
  id: string;
  name: string;
  indicatorId: string | null;
  severity: AlertSeverityName;
  scope: RuleScope;
  params: RuleParams;
  forSeconds: number;
  keepFiringSeconds: number;
  /** Roles notified; LEADER unless the rule says otherwise. */
  notifyRoles: string[];
}

export interface UnitRef {
  id: string;
  code: string;
  name: string;
  tier: UnitTierName;
  /** Materialised path of codes, e.g. "/51/522/21001/". */
  path: string;
}

/** Time source, injected so tests (and replays) control "now". */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const SEVERITY_RANK: Record<AlertSeverityName, number> = { CRITICAL: 0, MAJOR: 1, MINOR: 2, INFO: 3 };
