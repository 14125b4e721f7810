import type { NormalizedEvent } from '@ioc/contracts';
import { termsByKind } from './contributions';
import type { TermSpec } from './terms';
import type { UnitTree } from './unit-tree';

export interface EventProblem {
  reason: string;
  fields: string[];
}

export interface ValidationContext {
  tree: UnitTree;
  terms: readonly TermSpec[];
  now: Date;
  /** Clock skew tolerated for occurredAt in the future. */
  maxFutureMs: number;
  /** Oldest occurredAt accepted: idempotency keys are remembered this long, so an older replay could count twice. */
  maxAgeMs?: number;
}

const OFFSET_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Why an event cannot be aggregated, or null when it can: unknown unit or kind, a unit that no
 * longer (or not yet) existed, a bad, future or too old instant, a negative or non-finite measure, a
 * measure an indicator needs that is missing.
 */
export function validateEvent(event: unknown, context: ValidationContext): EventProblem | null {
  if (typeof event !== 'object' || event === null) return { reason: 'event is not an object', fields: [] };
  const e = event as Partial<NormalizedEvent>;
  const problems: string[] = [];
  const fields: string[] = [];
  const fail = (field: string, reason: string): void => {
    fields.push(field);
    problems.push(`${field}: ${reason}`);
  };
  if (typeof e.idempotencyKey !== 'string' || e.idempotencyKey.length === 0 || e.idempotencyKey.length > 255) {
    fail('idempotencyKey', 'must be a string of 1-255 characters');
  }
  if (typeof e.sourceId !== 'string' || e.sourceId.length === 0) fail('sourceId', 'must be a non-empty string');
  const at = typeof e.occurredAt === 'string' && OFFSET_INSTANT.test(e.occurredAt) ? new Date(e.occurredAt) : null;
  if (!at || Number.isNaN(at.getTime())) fail('occurredAt', 'must be an ISO-8601 instant with an offset');
  else if (at.getTime() > context.now.getTime() + context.maxFutureMs) fail('occurredAt', `is in the future (${e.occurredAt})`);
  else if (context.maxAgeMs !== undefined && at.getTime() < context.now.getTime() - context.maxAgeMs) {
    fail('occurredAt', `is older than the deduplication horizon (${e.occurredAt}); recompute that period from stored events instead`);
  }
  const unit = typeof e.unitCode === 'string' ? context.tree.get(e.unitCode) : undefined;
  if (!unit) fail('unitCode', `unknown unit ${JSON.stringify(e.unitCode)}`);
  else if (at && !Number.isNaN(at.getTime()) && (at < unit.validFrom || (unit.validTo !== null && at >= unit.validTo))) {
    fail('unitCode', `unit ${unit.code} did not exist at ${e.occurredAt}`);
  }
  const termsOfKind = typeof e.kind === 'string' ? (termsByKind(context.terms).get(e.kind) ?? []) : [];
  if (termsOfKind.length === 0) fail('kind', `unknown event kind ${JSON.stringify(e.kind)}`);
  if (typeof e.attributes !== 'object' || e.attributes === null || Array.isArray(e.attributes)) fail('attributes', 'must be an object');
  if (typeof e.values !== 'object' || e.values === null || Array.isArray(e.values)) fail('values', 'must be an object');
  else {
    for (const [name, amount] of Object.entries(e.values)) {
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) fail(`values.${name}`, `must be a finite number ≥ 0, got ${JSON.stringify(amount)}`);
    }
    for (const term of termsOfKind) {
      const field = term.field;
      if (field !== undefined && !(field in e.values) && !fields.includes(`values.${field}`)) fail(`values.${field}`, `is required for ${e.kind} events`);
    }
  }
  return problems.length === 0 ? null : { reason: problems.join('; '), fields };
}

/** The event with its unitCode resolved to the key of the unit in force when it occurred (see UnitTree.resolveCode). */
export function withUnitKey(event: unknown, tree: UnitTree): unknown {
  if (typeof event !== 'object' || event === null) return event;
  const { unitCode, occurredAt } = event as Partial<NormalizedEvent>;
  if (typeof unitCode !== 'string' || typeof occurredAt !== 'string' || !OFFSET_INSTANT.test(occurredAt)) return event;
  const at = new Date(occurredAt);
  if (Number.isNaN(at.getTime())) return event;
  const key = tree.resolveCode(unitCode, at);
  return key === unitCode ? event : { ...event, unitCode: key };
}
