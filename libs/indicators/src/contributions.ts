import type { NormalizedEvent } from '@ioc/contracts';
import { LOCAL_OFFSET_MS } from './local-time';
import { matchesFilter, type Granularity, type TermSpec } from './terms';

/** What one event does to the state: add to a counter, or offer a newer gauge reading. */
export interface Contribution {
  termId: string;
  op: 'add' | 'latest';
  unitCode: string;
  bucket: string;
  amount: number;
  /** Orders gauge readings: occurredAt (ms, zero-padded) then the idempotency key, so ties resolve the same everywhere. */
  order: string;
}

/**
 * Joins a unit code and an attribute value into the key a distinct term's gauge is kept under,
 * so the stores keep one newest reading per (unit, value) without knowing about it. Unit codes
 * are known units, never containing the separator.
 */
export const DISTINCT_SEPARATOR = '\u001f';

export const readingOrder = (at: number, idempotencyKey: string): string => `${String(at).padStart(15, '0')}|${idempotencyKey}`;

const termsByKindCache = new WeakMap<readonly TermSpec[], Map<string, TermSpec[]>>();

/** The terms grouped by the event kind they filter on (cached per term list: this runs once per event). */
export function termsByKind(terms: readonly TermSpec[]): Map<string, TermSpec[]> {
  let byKind = termsByKindCache.get(terms);
  if (!byKind) {
    byKind = new Map();
    for (const term of terms) byKind.set(term.filter.kind, [...(byKind.get(term.filter.kind) ?? []), term]);
    termsByKindCache.set(terms, byKind);
  }
  return byKind;
}

const BUCKET_SLICE: Record<Granularity, [string, number]> = {
  minute: ['n:', 16],
  day: ['d:', 10],
  month: ['m:', 7],
  year: ['y:', 4],
  all: ['a:', 0],
};

export function contributionsOf(event: NormalizedEvent, terms: readonly TermSpec[]): Contribution[] {
  const candidates = termsByKind(terms).get(event.kind);
  if (!candidates) return [];
  const at = Date.parse(event.occurredAt);
  // One ISO rendering of the local time serves every bucket of the event.
  const local = new Date(at + LOCAL_OFFSET_MS).toISOString();
  const order = readingOrder(at, event.idempotencyKey);
  const result: Contribution[] = [];
  for (const term of candidates) {
    if (!matchesFilter(term.filter, event)) continue;
    const amount = term.field === undefined ? 1 : event.values[term.field];
    if (amount === undefined) continue;
    const value = term.distinct === undefined ? undefined : event.attributes[term.distinct];
    if (term.distinct !== undefined && (value === undefined || value === null)) continue;
    const unitCode = value === undefined ? event.unitCode : `${event.unitCode}${DISTINCT_SEPARATOR}${String(value)}`;
    for (const granularity of term.granularities) {
      const [tag, length] = BUCKET_SLICE[granularity];
      result.push({ termId: term.id, op: term.kind, unitCode, bucket: tag + local.slice(0, length), amount, order });
    }
  }
  return result;
}
