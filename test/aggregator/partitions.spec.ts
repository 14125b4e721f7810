import type { INestApplicationContext } from '@nestjs/common';
import {
  eventPartitionOf,
  partitionKeyTag,
  SharedRedisKey,
  sharedRedisKey,
  streamKey,
  type IndicatorUpdate,
  type NormalizedEvent,
} from '@ioc/contracts';
import { createRedisClient, type RedisClient } from '@ioc/platform';
import { EventQueues } from '@ioc/queues';
import { LiveValuesService } from '../../apps/aggregator/src/aggregation/live-values.service';
import { PublishingService } from '../../apps/aggregator/src/publishing/publishing.service';
import { startSeededAggregator, type SeededAggregator } from './aggregator-harness';
import { eventMix } from '../support/event-mix';
import { waitFor, type TestRedis } from '../support';
import { deadLetters } from '../support/event-queues';
import { distinct, expectedValue, nine, type SeededWorld } from './expected-values';

const PARTITIONS = 3;
const at = (local: string): Date => new Date(`${local}+07:00`);
const PROCESSED_AT = at('2026-11-30T18:00:00');

/**
 * Partitioned aggregation (AGGREGATION_PARTITIONS=3) on a real Redis: each partition's queue and
 * state under its own hash tag, values published from all partitions merged, every idempotency
 * key counted once even when a producer routes by another partition count.
 */
describe('partitioned aggregation (real Redis and Postgres, 3 partitions)', () => {
  let stack: SeededAggregator;
  let redis: TestRedis;
  let app: INestApplicationContext;
  let connection: RedisClient;
  let badIndex = -1;
  let queues: EventQueues;
  let world: SeededWorld;
  let events: NormalizedEvent[];
  const clock = { current: PROCESSED_AT, now: () => clock.current };

  const drained = () =>
    waitFor(
      async () => {
        let pending = 0;
        for (const queue of queues.queues) {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
          if ((counts.failed ?? 0) > 0) throw new Error(`${counts.failed} batches failed`);
          pending += (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
        }
        return pending === 0 ? true : undefined;
      },
      30_000,
      'every partition’s batches to be processed',
    );

  beforeAll(async () => {
    stack = await startSeededAggregator(clock, { AGGREGATION_PARTITIONS: String(PARTITIONS), LOG_LEVEL: 'error' });
    ({ redis, world, app } = stack);
    connection = createRedisClient({ kind: 'single', url: redis.url });
    queues = new EventQueues(connection, redis.prefix, PARTITIONS);

    const leaves = world.units.filter((u) => u.leaf && u.validTo === null);
    const mix = (count: number, from: string, seed: number, keyPrefix: string) =>
      eventMix({ units: leaves, count, fromMs: at(from).getTime(), toMs: PROCESSED_AT.getTime(), seed, sourceId: 'src-test', keyPrefix });
    const routed = mix(3000, '2026-11-01T00:00:00', 11, 'routed');
    const misrouted = mix(600, '2026-11-20T00:00:00', 12, 'misrouted');
    events = [...routed, ...misrouted];
    const batch = (list: NormalizedEvent[], jobId: string) => ({
      name: 'batch',
      data: { sourceId: 'src-test', stream: 'mixed', events: list },
      jobId,
    });
    const batches = Array.from({ length: routed.length / 250 }, (_, i) => batch(routed.slice(i * 250, i * 250 + 250), `b${i}`));
    // Redeliveries under new ids: one batch again, and a mix of two.
    batches.push(batch(routed.slice(0, 250), 'again-0'), batch([...routed.slice(500, 600), ...routed.slice(1000, 1100)], 'again-mix'));
    await queues.add(batches);
    // A producer running with another partition count: whole batches on one partition's queue,
    // new events and already-counted ones alike. They must be forwarded, and counted once.
    await queues.queue(0).add('batch', batch([...misrouted.slice(0, 300), ...routed.slice(0, 200)], 'stray-a').data, { jobId: 'stray-a' });
    // Last in the stray batch, an event of partition 2 for a unit that does not exist: refused where it stands.
    const badKey = Array.from({ length: 50 }, (_, i) => `no-such-unit-${i}`).find((key) => eventPartitionOf(key, PARTITIONS) === 2)!;
    const bad = { ...routed[0]!, idempotencyKey: badKey, unitCode: 'no-such-unit' };
    const strayB = [...misrouted.slice(300), ...routed.slice(2000, 2200), bad];
    badIndex = strayB.length - 1;
    await queues.queue(2).add('batch', batch(strayB, 'stray-b').data, { jobId: 'stray-b' });
    await drained();
  }, 60_000);

  afterAll(async () => {
    await queues?.close();
    await connection?.quit();
    await stack?.close();
  });

  it('keeps each partition’s state under its own hash tag, each idempotency key in its own partition only', async () => {
    const keysOf = async (partition: number) => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.client.scan(
          cursor,
          'MATCH',
          `${partitionKeyTag(redis.prefix, partition)}:agg:seen:*`,
          'COUNT',
          1000,
        );
        found.push(...keys);
        cursor = next;
      } while (cursor !== '0');
      const seen = new Set<string>();
      for (const key of found) for (const idempotencyKey of await redis.client.hkeys(key)) seen.add(idempotencyKey);
      return seen;
    };
    const seenByPartition = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => keysOf(p)));
    const unique = distinct(events);
    for (const [partition, seen] of seenByPartition.entries()) {
      // Facts keep idempotency keys; gauge readings need none (the newest by time wins, so a repeat changes nothing).
      const expected = unique
        .filter((e) => e.kindClass === 'fact' && eventPartitionOf(e.idempotencyKey, PARTITIONS) === partition)
        .map((e) => e.idempotencyKey);
      // Every partition has a fair share (the split is not vacuous) and exactly its own keys.
      expect(expected.length).toBeGreaterThan(unique.length / PARTITIONS / 2);
      expect([...seen].sort()).toEqual(expected.sort());
    }
  });

  it('publishes, from all partitions merged, every indicator at every level equal to an independent calculation', async () => {
    const live = await app.get(LiveValuesService).compute(PROCESSED_AT);
    const unique = distinct(events);
    const active = world.units.filter((u) => u.validTo === null);
    let nonNull = 0;
    for (const definition of world.definitions) {
      for (const unit of active) {
        const actual = live.find((v) => v.indicatorId === definition.id && v.unitCode === unit.code)!;
        const expected = expectedValue(world, definition, unit.code, unique, PROCESSED_AT, PROCESSED_AT);
        const where = `${definition.id} @ ${unit.code}`;
        expect({ where, numerator: nine(actual.numerator), denominator: nine(actual.denominator), value: nine(actual.value) }).toEqual({
          where,
          numerator: nine(expected.numerator),
          denominator: nine(expected.denominator),
          value: nine(expected.value),
        });
        if (expected.value !== null) nonNull += 1;
      }
    }
    expect(nonNull).toBeGreaterThan(world.definitions.length * 5);

    // The publisher writes the merged values to the deployment's (partition 0's) streams.
    expect(await app.get(PublishingService).publish()).toBe(live.length);
    const province = live.find((v) => v.indicatorId === 'dossier.on_time_pct' && v.unitCode === '51')!;
    const latest = await redis.client.hget(
      sharedRedisKey(redis.prefix, SharedRedisKey.IndicatorLatest),
      streamKey('dossier.on_time_pct', '51'),
    );
    expect((JSON.parse(latest!) as IndicatorUpdate).value).toBe(province.value);
  });

  it('dead-letters an invalid event naming its place in the batch its producer queued', async () => {
    const refused = (await deadLetters(redis)).filter((letter) => (letter.raw as { unitCode?: string }).unitCode === 'no-such-unit');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toMatch(new RegExp(`^events\\[${badIndex}\\]: `));
  });
});
