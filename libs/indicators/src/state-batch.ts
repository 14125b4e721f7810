import type { NormalizedEvent } from '@ioc/contracts';
import { BucketIdCache, forEachContribution, readingOrder } from './contributions';
import type { TermSpec } from './terms';

const DAY_S = 86_400;
/** How long counter buckets are kept: long enough for the windows that read them. */
const BUCKET_TTL_S: Readonly<Record<string, number>> = { n: 2 * DAY_S, d: 3 * DAY_S, m: 400 * DAY_S, y: 800 * DAY_S, a: 800 * DAY_S };

/** Seconds a bucket's keys live: as long as its granularity (its id's first letter) is read. */
export function bucketTtlSeconds(bucket: string): number {
  const ttl = BUCKET_TTL_S[bucket.charAt(0)];
  if (ttl === undefined) throw new Error(`bucket "${bucket}" has no known granularity`);
  return ttl;
}

/**
 * One batch of events, pre-aggregated for the state store's apply script:
 * - c: the distinct counters touched, as [bucket, field, ...];
 * - g: groups of events with identical contributions on the same local day, as [day, [idempotencyKey...], [counterIndex, amount, ...]]
 *   (each key is checked once, and a group's increments count once per new key);
 * - q: gauge readings, only the newest per (bucket, term, unit), as [bucket, field, value, order];
 * - f: deliveries per (unit | source), as [field, receivedAtMs, ...];
 * - x: TTLs of every bucket key touched, as [key suffix, seconds, ...].
 * So Redis work grows with distinct (term, unit, bucket) keys rather than with events.
 */
export interface StateBatch {
  c: string[];
  g: [day: string, keys: string[], refs: (number | string)[]][];
  q: [bucket: string, field: string, value: string, order: string][];
  f: (string | number)[];
  x: (string | number)[];
}

export function planStateBatch(events: readonly NormalizedEvent[], terms: readonly TermSpec[], receivedAt: number): StateBatch {
  // Counter index by field, then bucket; field names by term, then unit: lookups of strings already made, not new keys per event.
  const counters = new Map<string, Map<string, number>>();
  const fieldNames = new Map<string, Map<string, string>>();
  const counterArgs: string[] = [];
  const groups = new Map<string, { day: string; keys: string[]; refs: number[] }>();
  const gauges = new Map<string, { bucket: string; field: string; value: number; order: string }>();
  const fresh = new Map<string, number>();
  const buckets = new Set<string>();
  const bucketIds = new BucketIdCache();
  const fieldOf = (termId: string, unitCode: string): string => {
    let byUnit = fieldNames.get(termId);
    if (!byUnit) fieldNames.set(termId, (byUnit = new Map()));
    let field = byUnit.get(unitCode);
    if (field === undefined) byUnit.set(unitCode, (field = `${termId}|${unitCode}`));
    return field;
  };
  for (const event of events) {
    fresh.set(`${event.unitCode}|${event.sourceId}`, receivedAt);
    const at = Date.parse(event.occurredAt);
    const ids = bucketIds.at(at);
    const refs: number[] = [];
    let order: string | undefined;
    forEachContribution(event, terms, ids, (term, unitCode, bucket, amount) => {
      const field = fieldOf(term.id, unitCode);
      buckets.add(bucket);
      if (term.kind === 'add') {
        let byBucket = counters.get(field);
        if (!byBucket) counters.set(field, (byBucket = new Map()));
        let index = byBucket.get(bucket);
        if (index === undefined) {
          index = counterArgs.length / 2;
          byBucket.set(bucket, index);
          counterArgs.push(bucket, field);
        }
        refs.push(index, amount);
      } else {
        order ??= readingOrder(at, event.idempotencyKey);
        const key = `${bucket}|${field}`;
        const current = gauges.get(key);
        if (!current || current.order < order) gauges.set(key, { bucket, field, value: amount, order });
      }
    });
    if (refs.length === 0) continue;
    const day = ids.localDay;
    const signature = `${day}|${refs.join(',')}`;
    const group = groups.get(signature);
    if (group) group.keys.push(event.idempotencyKey);
    else groups.set(signature, { day, keys: [event.idempotencyKey], refs });
  }
  return {
    c: counterArgs,
    g: [...groups.values()].map(({ day, keys, refs }) => [day, keys, refs]),
    q: [...gauges.values()].map((g) => [g.bucket, g.field, String(g.value), g.order]),
    f: [...fresh].flat(),
    x: [...buckets].flatMap((bucket) => {
      const ttl = bucketTtlSeconds(bucket);
      return [`c:${bucket}`, ttl, `g:${bucket}`, ttl, `go:${bucket}`, ttl];
    }),
  };
}
