import type { NormalizedEvent } from '@ioc/contracts';
import { contributionsOf, type Contribution } from './contributions';
import type { IndicatorState } from './evaluate';
import { mergeTerms, type TermSpec } from './terms';

/**
 * The aggregation state held in memory, with the same semantics as the Redis store: counters
 * add, gauges keep the newest reading per (term, unit, bucket), an idempotency key counts once.
 * Used to recompute a past period from stored events.
 */
export class MemoryState implements IndicatorState {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, { value: number; order: string }>();
  private readonly lastSeen = new Map<string, Map<string, number>>();
  private readonly seen = new Set<string>();

  private readonly terms: readonly TermSpec[];

  constructor(terms: readonly TermSpec[]) {
    this.terms = mergeTerms(terms);
  }

  apply(events: Iterable<NormalizedEvent>, receivedAt: number): void {
    for (const event of events) {
      if (this.seen.has(event.idempotencyKey)) continue;
      this.seen.add(event.idempotencyKey);
      for (const contribution of contributionsOf(event, this.terms)) this.applyContribution(contribution);
      const bySource = this.lastSeen.get(event.unitCode) ?? new Map<string, number>();
      bySource.set(event.sourceId, Math.max(bySource.get(event.sourceId) ?? 0, receivedAt));
      this.lastSeen.set(event.unitCode, bySource);
    }
  }

  private applyContribution(c: Contribution): void {
    const key = `${c.bucket}|${c.termId}|${c.unitCode}`;
    if (c.op === 'add') this.counters.set(key, (this.counters.get(key) ?? 0) + c.amount);
    else {
      const current = this.gauges.get(key);
      if (!current || current.order < c.order) this.gauges.set(key, { value: c.amount, order: c.order });
    }
  }

  term(term: TermSpec, buckets: string[]): ReadonlyMap<string, number> {
    const result = new Map<string, number>();
    const prefixes = buckets.map((bucket) => `${bucket}|${term.id}|`);
    if (term.kind === 'add') {
      for (const [key, amount] of this.counters) {
        const prefix = prefixes.find((p) => key.startsWith(p));
        if (prefix) result.set(key.slice(prefix.length), (result.get(key.slice(prefix.length)) ?? 0) + amount);
      }
      return result;
    }
    const newest = new Map<string, { value: number; order: string }>();
    for (const [key, reading] of this.gauges) {
      const prefix = prefixes.find((p) => key.startsWith(p));
      if (!prefix) continue;
      const unit = key.slice(prefix.length);
      const current = newest.get(unit);
      if (!current || current.order < reading.order) newest.set(unit, reading);
    }
    for (const [unit, reading] of newest) result.set(unit, reading.value);
    return result;
  }

  sources(): ReadonlyMap<string, ReadonlyMap<string, number>> {
    return this.lastSeen;
  }
}
