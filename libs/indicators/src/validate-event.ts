import type { EventKindClass, NormalizedEvent } from '@ioc/contracts';
import { termsByKind } from './contributions';
import type { TermSpec } from './terms';
import type { UnitTree } from './unit-tree';

/**
 * Largest amount one event may carry for a measure. Keys: `<event kind>:<field>` (most specific),
 * `<field>`, or `*` (any other measure).
 */
export type ValueLimits = Readonly<Record<string, number>>;

export interface EventLimits {
  /** Clock skew tolerated for occurredAt in the future. */
  maxFutureMs: number;
  /** Oldest occurredAt accepted: idempotency keys are remembered this long, so an older replay could count twice. */
  maxAgeMs: number;
  /** Largest event, serialised as JSON (bytes). */
  maxBytes: number;
  values: ValueLimits;
}

export const DEFAULT_VALUE_LIMITS: ValueLimits = { count: 1_000_000, '*': 1_000_000_000 };

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxFutureMs: 300_000,
  maxAgeMs: 400 * 86_400_000,
  maxBytes: 16_384,
  values: DEFAULT_VALUE_LIMITS,
};

/** What the rule needs to know: the unit tree (with validity dates) and the terms indicators read. */
export interface EventCatalog {
  tree: UnitTree;
  terms: readonly TermSpec[];
}

export interface EventRules extends EventCatalog {
  limits: EventLimits;
  now: Date;
}

export type EventVerdict = { ok: true; event: NormalizedEvent } | { ok: false; reason: string; fields: string[] };

/** Keys that would reach Object.prototype (or a constructor) through a naive merge or class-transformer. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const OFFSET_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const KIND = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const KIND_CLASSES: readonly EventKindClass[] = ['fact', 'gauge'];
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;

/** The largest amount allowed for this measure of this kind of event. */
export function valueLimit(limits: ValueLimits, kind: string, field: string): number {
  return limits[`${kind}:${field}`] ?? limits[field] ?? limits['*'] ?? Number.MAX_VALUE;
}

/**
 * THE event-validity rule, applied identically at push ingest, at pull and in the aggregator, so a
 * source is told at once the verdict the aggregator will reach. An event is refused for: a shape
 * off the NormalizedEvent contract, more than limits.maxBytes, an unknown unit or one that did not
 * exist at occurredAt, an instant without offset, further in the future than the skew or older than
 * the deduplication horizon, a kind no indicator reads, a measure that is not a finite number in
 * [0, limit of its kind], a measure an indicator needs that is missing, or a prototype-polluting
 * key. A unit code the list reuses names the unit in force at occurredAt (withUnitKey), so the
 * connectors and the aggregator reach the same unit. Returns the event reduced to its contract
 * fields, or every problem with its field path.
 */
export function validateEvent(received: unknown, rules: EventRules): EventVerdict {
  if (!isRecord(received)) return { ok: false, reason: 'event must be a JSON object', fields: ['(root)'] };
  const candidate = withUnitKey(received, rules.tree);
  const { limits, now } = rules;
  const size = Buffer.byteLength(JSON.stringify(candidate) ?? '');
  if (size > limits.maxBytes)
    return { ok: false, reason: `event is ${size} bytes, over the ${limits.maxBytes}-byte limit`, fields: ['(root)'] };
  const e = candidate as Partial<Record<keyof NormalizedEvent, unknown>>;
  const problems: string[] = [];
  const fields: string[] = [];
  const fail = (field: string, reason: string): void => {
    fields.push(field);
    problems.push(`${field}: ${reason}`);
  };

  if (!isText(e.idempotencyKey, 1, 255)) fail('idempotencyKey', 'must be a string of 1-255 characters');
  if (!isText(e.sourceId, 1, 64)) fail('sourceId', 'must be a string of 1-64 characters');
  if (!isText(e.stream, 1, 64)) fail('stream', 'must be a string of 1-64 characters');
  const at = typeof e.occurredAt === 'string' && OFFSET_INSTANT.test(e.occurredAt) ? new Date(e.occurredAt) : null;
  if (!at || Number.isNaN(at.getTime())) fail('occurredAt', 'must be an ISO-8601 instant with an offset, e.g. 2026-11-20T09:00:00+07:00');
  else if (at.getTime() > now.getTime() + limits.maxFutureMs) {
    fail('occurredAt', `is in the future (${String(e.occurredAt)}; at most ${Math.round(limits.maxFutureMs / 1000)} s of clock skew)`);
  } else if (at.getTime() < now.getTime() - limits.maxAgeMs) {
    fail(
      'occurredAt',
      `is older than the deduplication horizon of ${Math.round(limits.maxAgeMs / 86_400_000)} days (${String(e.occurredAt)}); recompute that period from stored events instead`,
    );
  }
  const unit = isText(e.unitCode, 1, 32) ? rules.tree.get(e.unitCode) : undefined;
  if (!unit) fail('unitCode', `unknown unit ${JSON.stringify(e.unitCode) ?? 'undefined'}`);
  else if (at && !Number.isNaN(at.getTime()) && (at < unit.validFrom || (unit.validTo !== null && at >= unit.validTo))) {
    fail('unitCode', `unit ${unit.code} did not exist at ${String(e.occurredAt)}`);
  }
  const kind = typeof e.kind === 'string' && KIND.test(e.kind) ? e.kind : null;
  const termsOfKind = kind ? (termsByKind(rules.terms).get(kind) ?? []) : [];
  if (!kind) fail('kind', 'must look like "dossier.resolved"');
  else if (termsOfKind.length === 0) fail('kind', `unknown event kind ${JSON.stringify(kind)}: no indicator reads it`);
  if (!KIND_CLASSES.includes(e.kindClass as EventKindClass)) fail('kindClass', 'must be "fact" or "gauge"');

  if (!isRecord(e.attributes)) fail('attributes', 'must be an object');
  else {
    for (const [name, value] of Object.entries(e.attributes)) {
      if (PROTOTYPE_KEYS.has(name)) fail(`attributes.${name}`, 'is a reserved name (prototype pollution)');
      else if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
        fail(`attributes.${name}`, 'must be a string, number, boolean or null');
      else if (typeof value === 'number' && !Number.isFinite(value)) fail(`attributes.${name}`, 'must be a finite number');
    }
    // A distinct term keeps a reading per value of its attribute (a procedure code): without it the reading would belong to nothing.
    for (const name of new Set(termsOfKind.flatMap((term) => (term.distinct ? [term.distinct] : [])))) {
      const value = e.attributes[name];
      if (
        !fields.includes(`attributes.${name}`) &&
        !((typeof value === 'string' && value.length > 0 && value.length <= 64) || typeof value === 'number')
      ) {
        fail(`attributes.${name}`, `is required for ${kind} events (a non-empty string of at most 64 characters or a number)`);
      }
    }
  }
  if (!isRecord(e.values)) fail('values', 'must be an object');
  else {
    for (const [name, amount] of Object.entries(e.values)) {
      const limit = valueLimit(limits.values, kind ?? '', name);
      if (PROTOTYPE_KEYS.has(name)) fail(`values.${name}`, 'is a reserved name (prototype pollution)');
      else if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > limit) {
        fail(`values.${name}`, `must be a finite number from 0 to ${limit}, got ${JSON.stringify(amount) ?? 'undefined'}`);
      }
    }
    for (const term of termsOfKind) {
      const field = term.field;
      if (field !== undefined && !Object.hasOwn(e.values, field) && !fields.includes(`values.${field}`))
        fail(`values.${field}`, `is required for ${kind} events`);
    }
  }
  if (problems.length > 0) return { ok: false, reason: problems.join('; '), fields };
  const event: NormalizedEvent = {
    idempotencyKey: e.idempotencyKey as string,
    sourceId: e.sourceId as string,
    stream: e.stream as string,
    unitCode: e.unitCode as string,
    occurredAt: e.occurredAt as string,
    kind: kind as string,
    kindClass: e.kindClass as EventKindClass,
    values: e.values as Record<string, number>,
    attributes: e.attributes as NormalizedEvent['attributes'],
  };
  return { ok: true, event };
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
