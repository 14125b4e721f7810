import type { NormalizedEvent } from '@ioc/contracts';
import { bucketOf } from './buckets';
import { matchesFilter, type TermSpec } from './terms';

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

export const readingOrder = (at: number, idempotencyKey: string): string => `${String(at).padStart(15, '0')}|${idempotencyKey}`;

export function contributionsOf(event: NormalizedEvent, terms: readonly TermSpec[]): Contribution[] {
  const at = Date.parse(event.occurredAt);
  const order = readingOrder(at, event.idempotencyKey);
  const result: Contribution[] = [];
  for (const term of terms) {
    if (!matchesFilter(term.filter, event)) continue;
    const amount = term.field === undefined ? 1 : event.values[term.field];
    if (amount === undefined) continue;
    for (const granularity of term.granularities) {
      result.push({ termId: term.id, op: term.kind, unitCode: event.unitCode, bucket: bucketOf(granularity, at), amount, order });
    }
  }
  return result;
}
