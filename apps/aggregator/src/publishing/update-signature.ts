import type { LiveValue } from '../aggregation/live-values.service';

/**
 * What makes an update worth sending: everything but the as-of time and ages that grow by
 * themselves (lags, the freshness indicator), which displays derive from lastSuccessAt.
 *
 * A unit's freshness lists every source that delivered anywhere in its subtree, so with a source
 * pushing all day every stream of every unit above it would be re-sent at each publish for its
 * lastSuccessAt alone. Outside the freshness indicator, whose value is that age, a delivery counts
 * once per `deliveryStepMs` (displays call a value stale after minutes, and learn of reads from
 * source-health messages too); 0 counts every delivery.
 */
export function updateSignature(v: LiveValue, deliveryStepMs: number): string {
  const delivery = (lastSuccessAt: string | null): string | number | null =>
    v.ageSeconds || deliveryStepMs === 0 || lastSuccessAt === null ? lastSuccessAt : Math.floor(Date.parse(lastSuccessAt) / deliveryStepMs);
  return JSON.stringify([
    v.ageSeconds ? null : v.value,
    v.numerator,
    v.denominator,
    v.ageSeconds ? null : v.own.value,
    v.own.numerator,
    v.own.denominator,
    v.target,
    v.judged && { ...v.judged, value: v.ageSeconds ? null : v.judged.value },
    v.status,
    v.freshness.map((f) => [f.sourceId, delivery(f.lastSuccessAt)]),
  ]);
}
