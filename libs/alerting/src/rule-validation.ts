import type { AlertSeverityName, UnitTierName } from '@ioc/contracts';
import type { AlertRuleKindName, RuleParams, RuleScope, RuleSpec } from './types';

/** A rule that cannot be evaluated; `field` says where it is wrong. */
export class InvalidRuleError extends Error {
  constructor(
    readonly ruleId: string,
    readonly field: string,
    message: string,
  ) {
    super(`Alert rule ${ruleId}: ${field} ${message}`);
    this.name = 'InvalidRuleError';
  }
}

export interface AlertRuleRow {
  id: string;
  name: string;
  kind: AlertRuleKindName;
  indicatorId: string | null;
  params: unknown;
  severity: AlertSeverityName;
  scope: unknown;
  forSeconds: number;
  keepFiringSeconds: number;
  /** Unit path of the owner (author's unit); absent or null = the whole province. */
  ownerPath?: string | null;
}

const TIERS: UnitTierName[] = ['PROVINCE', 'DISTRICT', 'COMMUNE'];
const INDICATOR_KINDS: AlertRuleKindName[] = ['THRESHOLD_BELOW', 'THRESHOLD_ABOVE', 'BELOW_TARGET', 'RATE_OF_CHANGE', 'PROJECTED_MISS'];

export const isIndicatorRule = (spec: RuleSpec): boolean => INDICATOR_KINDS.includes(spec.params.kind);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Turns an alert_rules row into a RuleSpec, or throws InvalidRuleError naming the bad field. */
export function validateRule(row: AlertRuleRow): RuleSpec {
  const fail = (field: string, message: string): never => {
    throw new InvalidRuleError(row.id, field, message);
  };
  const params = isRecord(row.params) ? row.params : fail('params', 'must be an object');
  const number = (key: string, min = Number.NEGATIVE_INFINITY): number => {
    const value = params[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) fail(`params.${key}`, `must be a number ≥ ${min}`);
    return value as number;
  };
  const optionalString = (key: string): string | undefined => {
    const value = params[key];
    if (value === undefined) return undefined;
    return typeof value === 'string' && value.length > 0 ? value : fail(`params.${key}`, 'must be a non-empty string');
  };

  if (INDICATOR_KINDS.includes(row.kind) && !row.indicatorId) fail('indicatorId', `is required for ${row.kind}`);

  let parsed: RuleParams;
  switch (row.kind) {
    case 'THRESHOLD_BELOW':
    case 'THRESHOLD_ABOVE':
      parsed = { kind: row.kind, threshold: number('threshold') };
      break;
    case 'BELOW_TARGET':
      parsed = { kind: row.kind };
      break;
    case 'RATE_OF_CHANGE':
      parsed = { kind: row.kind, windowSeconds: number('windowSeconds', 1), maxChange: number('maxChange', 0) };
      break;
    case 'STALE_SOURCE':
      parsed = { kind: row.kind, maxAgeSeconds: number('maxAgeSeconds', 1), sourceId: optionalString('sourceId') };
      break;
    case 'CONNECTOR_DOWN':
      parsed = { kind: row.kind, sourceId: optionalString('sourceId') };
      break;
    case 'PROJECTED_MISS': {
      const deadline = optionalString('deadline') ?? fail('params.deadline', 'is required (ISO date)');
      if (Number.isNaN(Date.parse(deadline))) fail('params.deadline', 'must be an ISO date');
      const target = params.target === undefined ? undefined : number('target');
      parsed = { kind: row.kind, windowSeconds: number('windowSeconds', 60), deadline, target };
      break;
    }
    default:
      return fail('kind', `is unknown (${String(row.kind)})`);
  }

  const scopeIn = row.scope === undefined || row.scope === null ? {} : row.scope;
  if (!isRecord(scopeIn)) fail('scope', 'must be an object');
  const scopeRecord = scopeIn as Record<string, unknown>;
  const stringList = (key: string): string[] | undefined => {
    const value = scopeRecord[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(`scope.${key}`, 'must be a list of strings');
    return value as string[];
  };
  const tiers = stringList('tiers');
  if (tiers?.some((t) => !TIERS.includes(t as UnitTierName))) fail('scope.tiers', `may hold only ${TIERS.join(', ')}`);
  const subtreeOf = scopeRecord.subtreeOf;
  if (subtreeOf !== undefined && typeof subtreeOf !== 'string') fail('scope.subtreeOf', 'must be a unit code');
  const scope: RuleScope = {
    unitIds: stringList('unitIds'),
    unitCodes: stringList('unitCodes'),
    tiers: tiers as UnitTierName[] | undefined,
    subtreeOf: subtreeOf as string | undefined,
    within: row.ownerPath ?? undefined,
  };

  const notifyRoles = params.notifyRoles === undefined ? ['LEADER'] : params.notifyRoles;
  if (!Array.isArray(notifyRoles) || !notifyRoles.every((r) => typeof r === 'string'))
    fail('params.notifyRoles', 'must be a list of roles');
  if (row.forSeconds < 0) fail('forSeconds', 'must be ≥ 0');
  if (row.keepFiringSeconds < 0) fail('keepFiringSeconds', 'must be ≥ 0');

  return {
    id: row.id,
    name: row.name,
    indicatorId: row.indicatorId,
    severity: row.severity,
    scope,
    params: parsed,
    forSeconds: row.forSeconds,
    keepFiringSeconds: row.keepFiringSeconds,
    notifyRoles: notifyRoles as string[],
  };
}
