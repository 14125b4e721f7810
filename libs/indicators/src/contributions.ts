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

/** The bucket id of each granularity for one local minute (every bucket is at least a minute long). */
export type BucketIds = Readonly<Record<Granularity, string>> & { localDay: string };

/** The bucket ids of the minute that contains `at`. */
export function bucketIdsAt(at: number): BucketIds {
  const local = new Date(at + LOCAL_OFFSET_MS).toISOString();
  return {
    minute: `n:${local.slice(0, 16)}`,
    day: `d:${local.slice(0, 10)}`,
    month: `m:${local.slice(0, 7)}`,
    year: `y:${local.slice(0, 4)}`,
    all: 'a:',
    localDay: local.slice(0, 10),
  };
}

/**
 * bucketIdsAt, remembered per minute for one batch: events of a batch mostly share minutes, and
 * one string per bucket makes the batch's map lookups cheap.
 */
export class BucketIdCache {
  private readonly byMinute = new Map<number, BucketIds>();

  at(at: number): BucketIds {
    // The local offset is whole hours, so local minutes start at UTC minutes.
    const minute = Math.floor(at / 60_000);
    let ids = this.byMinute.get(minute);
    if (!ids) this.byMinute.set(minute, (ids = bucketIdsAt(at)));
    return ids;
  }
}

/** Receives one contribution of an event (its order, for gauges, comes from the event: readingOrder). */
export type ContributionVisitor = (term: TermSpec, unitCode: string, bucket: string, amount: number) => void;

/** Calls `visit` for each contribution of the event, without building objects: the per-event path of planStateBatch. */
export function forEachContribution(
  event: NormalizedEvent,
  terms: readonly TermSpec[],
  buckets: BucketIds,
  visit: ContributionVisitor,
): void {
  const candidates = termsByKind(terms).get(event.kind);
  if (!candidates) return;
  for (const term of candidates) {
    if (!matchesFilter(term.filter, event)) continue;
    const amount = term.field === undefined ? 1 : event.values[term.field];
    if (amount === undefined) continue;
    const value = term.distinct === undefined ? undefined : event.attributes[term.distinct];
    if (term.distinct !== undefined && (value === undefined || value === null)) continue;
    const unitCode = value === undefined ? event.unitCode : `${event.unitCode}${DISTINCT_SEPARATOR}${String(value)}`;
    for (const granularity of term.granularities) visit(term, unitCode, buckets[granularity], amount);
  }
}

export function contributionsOf(event: NormalizedEvent, terms: readonly TermSpec[]): Contribution[] {
  const at = Date.parse(event.occurredAt);
  const order = readingOrder(at, event.idempotencyKey);
  const result: Contribution[] = [];
  forEachContribution(event, terms, bucketIdsAt(at), (term, unitCode, bucket, amount) =>
    result.push({ termId: term.id, op: term.kind, unitCode, bucket, amount, order }),
  );
  return result;
}
