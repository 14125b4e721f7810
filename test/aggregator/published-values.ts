import { type IndicatorUpdate, type NormalizedEvent, SharedRedisKey, sharedRedisKey, streamKey } from '@ioc/contracts';
import type { RedisClient } from '@ioc/platform';
import { distinct, expectedValue, nine, type SeededWorld } from './expected-values';

/**
 * Every published latest value (the hash the gateways snapshot from) that differs from the
 * independent calculation over `events`, described; [] when all agree. Freshness is left out:
 * it follows the clock, not the events.
 */
export async function publishedMismatches(
  redis: RedisClient,
  prefix: string,
  world: SeededWorld,
  events: NormalizedEvent[],
): Promise<string[]> {
  const unique = distinct(events);
  const latest = await redis.hgetall(sharedRedisKey(prefix, SharedRedisKey.IndicatorLatest));
  const evaluatedAt = new Date();
  const wrong: string[] = [];
  for (const definition of world.definitions.filter((d) => d.formula.op !== 'freshness')) {
    for (const unit of world.units.filter((u) => u.validTo === null)) {
      const raw = latest[streamKey(definition.id, unit.code)];
      const update = raw ? (JSON.parse(raw) as IndicatorUpdate) : undefined;
      const expected = expectedValue(world, definition, unit.code, unique, evaluatedAt, evaluatedAt);
      const same =
        update !== undefined &&
        nine(update.numerator) === nine(expected.numerator) &&
        nine(update.denominator) === nine(expected.denominator) &&
        (expected.value === null ? update.value === null : update.value !== null && Math.abs(update.value - expected.value) < 1e-9);
      if (!same) wrong.push(`${definition.id}@${unit.code}: got ${raw ?? 'nothing'}, expected ${JSON.stringify(expected)}`);
    }
  }
  return wrong;
}
