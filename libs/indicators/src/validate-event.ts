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

/** What the rule checks for an event kind beyond the shape: the terms that read it and what they need of it. */
interface KindRule {
  terms: readonly TermSpec[];
  /** Attributes a distinct term keeps its readings under. */
  distinctAttributes: readonly string[];
  /** Measures a term sums or reads. */
  requiredValues: readonly string[];
}

const kindRulesCache = new WeakMap<readonly TermSpec[], Map<string, KindRule>>();

/** The rule of each event kind (cached per term list: this runs once per event). */
function kindRules(terms: readonly TermSpec[]): Map<string, KindRule> {
  let rules = kindRulesCache.get(terms);
  if (!rules) {
    rules = new Map();
    for (const [kind, ofKind] of termsByKind(terms)) {
      rules.set(kind, {
        terms: ofKind,
        distinctAttributes: [...new Set(ofKind.flatMap((term) => (term.distinct ? [term.distinct] : [])))],
        requiredValues: [...new Set(ofKind.flatMap((term) => (term.field === undefined ? [] : [term.field])))],
      });
    }
    kindRulesCache.set(terms, rules);
  }
  return rules;
}

/** occurredAt in ms when it is an ISO-8601 instant with an offset, else NaN. */
const instantOf = (value: unknown): number => (typeof value === 'string' && OFFSET_INSTANT.test(value) ? Date.parse(value) : NaN);

/**
 * An upper bound of Buffer.byteLength(JSON.stringify(value)), or Infinity once it passes `limit`:
 * 6 bytes per UTF-16 unit of a string (a \u escape, the longest form), 24 per number. It settles
 * the usual event without serialising it.
 */
function jsonBytesBound(value: unknown, limit: number): number {
  let bound = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') bound += 2 + 6 * item.length;
    else if (Array.isArray(item)) {
      bound += 2 + 25 * item.length;
      if (bound <= limit) for (const element of item) pending.push(element);
    } else if (typeof item === 'object' && item !== null) {
      // toJSON may write anything: only serialising tells.
      if (typeof (item as { toJSON?: unknown }).toJSON === 'function') return Infinity;
      bound += 2;
      for (const key of Object.keys(item)) {
        bound += 4 + 6 * key.length;
        pending.push((item as Record<string, unknown>)[key]);
      }
    } else bound += 24;
    if (bound > limit) return Infinity;
  }
  return bound;
}

/** The event's size as JSON when it is over `limit` bytes, else 0. */
function bytesOver(event: unknown, limit: number): number {
  if (jsonBytesBound(event, limit) <= limit) return 0;
  const size = Buffer.byteLength(JSON.stringify(event) ?? '');
  return size > limit ? size : 0;
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
  const atMs = instantOf(received.occurredAt);
  const candidate = withUnitKey(received, rules.tree, atMs);
  const { limits, now } = rules;
  const size = bytesOver(candidate, limits.maxBytes);
  if (size > 0) return { ok: false, reason: `event is ${size} bytes, over the ${limits.maxBytes}-byte limit`, fields: ['(root)'] };
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
  if (Number.isNaN(atMs)) fail('occurredAt', 'must be an ISO-8601 instant with an offset, e.g. 2026-11-20T09:00:00+07:00');
  else if (atMs > now.getTime() + limits.maxFutureMs) {
    fail('occurredAt', `is in the future (${String(e.occurredAt)}; at most ${Math.round(limits.maxFutureMs / 1000)} s of clock skew)`);
  } else if (atMs < now.getTime() - limits.maxAgeMs) {
    fail(
      'occurredAt',
      `is older than the deduplication horizon of ${Math.round(limits.maxAgeMs / 86_400_000)} days (${String(e.occurredAt)}); recompute that period from stored events instead`,
    );
  }
  const unit = isText(e.unitCode, 1, 32) ? rules.tree.get(e.unitCode) : undefined;
  if (!unit) fail('unitCode', `unknown unit ${JSON.stringify(e.unitCode) ?? 'undefined'}`);
  else if (!Number.isNaN(atMs) && (atMs < unit.validFrom.getTime() || (unit.validTo !== null && atMs >= unit.validTo.getTime()))) {
    fail('unitCode', `unit ${unit.code} did not exist at ${String(e.occurredAt)}`);
  }
  const kind = typeof e.kind === 'string' && KIND.test(e.kind) ? e.kind : null;
  const kindRule = kind ? kindRules(rules.terms).get(kind) : undefined;
  if (!kind) fail('kind', 'must look like "dossier.resolved"');
  else if (!kindRule) fail('kind', `unknown event kind ${JSON.stringify(kind)}: no indicator reads it`);
  if (!KIND_CLASSES.includes(e.kindClass as EventKindClass)) fail('kindClass', 'must be "fact" or "gauge"');

  if (!isRecord(e.attributes)) fail('attributes', 'must be an object');
  else {
    const attributes = e.attributes;
    for (const name of Object.keys(attributes)) {
      const value = attributes[name];
      if (PROTOTYPE_KEYS.has(name)) fail(`attributes.${name}`, 'is a reserved name (prototype pollution)');
      else if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        fail(`attributes.${name}`, 'must be a string, number, boolean or null');
      else if (typeof value === 'number' && !Number.isFinite(value)) fail(`attributes.${name}`, 'must be a finite number');
    }
    // A distinct term keeps a reading per value of its attribute (a procedure code): without it the reading would belong to nothing.
    for (const name of kindRule?.distinctAttributes ?? []) {
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
    const values = e.values;
    for (const name of Object.keys(values)) {
      const amount = values[name];
      const limit = valueLimit(limits.values, kind ?? '', name);
      if (PROTOTYPE_KEYS.has(name)) fail(`values.${name}`, 'is a reserved name (prototype pollution)');
      else if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > limit) {
        fail(`values.${name}`, `must be a finite number from 0 to ${limit}, got ${JSON.stringify(amount) ?? 'undefined'}`);
      }
    }
    for (const field of kindRule?.requiredValues ?? []) {
      if (!Object.hasOwn(values, field) && !fields.includes(`values.${field}`)) fail(`values.${field}`, `is required for ${kind} events`);
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

/**
 * The event with its unitCode resolved to the key of the unit in force when it occurred (see
 * UnitTree.resolveCode). `atMs`: occurredAt already read by the caller (NaN when not an instant).
 */
export function withUnitKey(event: unknown, tree: UnitTree, atMs?: number): unknown {
  if (typeof event !== 'object' || event === null) return event;
  const { unitCode, occurredAt } = event as Partial<NormalizedEvent>;
  const at = atMs ?? instantOf(occurredAt);
  if (typeof unitCode !== 'string' || Number.isNaN(at)) return event;
  const key = tree.resolveCode(unitCode, new Date(at));
  return key === unitCode ? event : { ...event, unitCode: key };
}
