import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  QueueName,
  SharedRedisKey,
  sharedRedisKey,
  streamKey,
  type DeadLetterEntry,
  type EventBatchJob,
  type IndicatorUpdate,
  type NormalizedEvent,
  type ResolutionScorecard,
} from '@ioc/contracts';
import type { PrismaClient } from '@ioc/persistence';
import { LiveValuesService } from '../../apps/aggregator/src/aggregation/live-values.service';
import { TrendService } from '../../apps/aggregator/src/aggregation/trend.service';
import { CatalogService } from '../../apps/aggregator/src/catalog/catalog.service';
import { DeadLetterService } from '../../apps/aggregator/src/aggregation/dead-letter.service';
import { aggregatorRedisKeys } from '../../apps/aggregator/src/redis-keys';
import { HistoryService } from '../../apps/aggregator/src/history/history.service';
import { PublishingService } from '../../apps/aggregator/src/publishing/publishing.service';
import { startSeededAggregator, type SeededAggregator } from './aggregator-harness';
import { eventMix, localIso } from '../support/event-mix';
import { waitFor, type TestRedis } from '../support';
import { distinct, expectedStatus, expectedTargetMet, expectedValue, nine, type SeededWorld } from './expected-values';

const at = (local: string): Date => new Date(`${local}+07:00`);
// Events run over November into the first half hour of December 2026 and one day of December 2025.
const PROCESSED_AT = at('2026-12-01T01:00:00');
const INSTANTS = [at('2026-11-15T12:00:00'), at('2026-11-30T23:59:59'), at('2026-12-01T00:00:30'), PROCESSED_AT];

describe('aggregator (real Redis and Postgres)', () => {
  let stack: SeededAggregator;
  let redis: TestRedis;
  let prisma: PrismaClient;
  let app: INestApplicationContext;
  let queue: Queue<EventBatchJob>;
  let world: SeededWorld;
  let events: NormalizedEvent[];
  const clock = { current: PROCESSED_AT, now: () => clock.current };

  const waitForQueueDrained = () =>
    waitFor(
      async () => {
        const {
          waiting = 0,
          active = 0,
          delayed = 0,
          prioritized = 0,
          failed = 0,
        } = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
        if (failed > 0) throw new Error(`${failed} batches failed`);
        return waiting + active + delayed + prioritized === 0 ? true : undefined;
      },
      30_000,
      'event batches to be processed',
    );

  beforeAll(async () => {
    stack = await startSeededAggregator(clock);
    ({ redis, world, app, prisma } = stack);
    queue = new Queue<EventBatchJob>(QueueName.Events, { connection: { url: redis.url }, prefix: redis.queuePrefix });

    const leaves = world.units.filter((u) => u.leaf && u.validTo === null);
    const mix = (count: number, from: string, to: string, seed: number, keyPrefix: string) =>
      eventMix({ units: leaves, count, fromMs: at(from).getTime(), toMs: at(to).getTime(), seed, sourceId: 'src-test', keyPrefix });
    events = [
      ...mix(4000, '2026-11-01T00:00:00', '2026-11-30T23:59:59', 1, 'nov'),
      // Heavy traffic around midnight between November and December.
      ...mix(1500, '2026-11-30T23:30:00', '2026-12-01T00:30:00', 2, 'midnight'),
      ...mix(300, '2025-12-31T08:00:00', '2025-12-31T17:00:00', 3, 'lastyear'),
    ];
    const batches: NormalizedEvent[][] = [];
    for (let i = 0; i < events.length; i += 250) batches.push(events.slice(i, i + 250));
    // Replays: two batches again under new job ids, and a mix of old and new events.
    batches.push(batches[0]!, batches[3]!, [...batches[5]!.slice(0, 100), ...batches[6]!.slice(0, 100)]);
    await queue.addBulk(
      batches.map((batch, index) => ({
        name: 'batch',
        data: { sourceId: 'src-test', stream: 'mixed', events: batch },
        opts: { jobId: `b${index}` },
      })),
    );
    await waitForQueueDrained();
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await stack?.close();
  });

  it.each(INSTANTS.map((instant) => [localIso(instant.getTime()), instant]))(
    'every seeded indicator at every level equals an independent calculation at %s',
    async (_label, instant) => {
      clock.current = instant;
      const live = await app.get(LiveValuesService).compute(instant);
      const unique = distinct(events);
      const active = world.units.filter((u) => u.validTo === null);
      expect(live).toHaveLength(world.definitions.length * active.length);
      let nonNull = 0;
      for (const definition of world.definitions) {
        for (const unit of active) {
          const actual = live.find((v) => v.indicatorId === definition.id && v.unitCode === unit.code)!;
          const expected = expectedValue(world, definition, unit.code, unique, instant, PROCESSED_AT);
          const where = `${definition.id} @ ${unit.code}`;
          expect({ where, numerator: nine(actual.numerator), denominator: nine(actual.denominator) }).toEqual({
            where,
            numerator: nine(expected.numerator),
            denominator: nine(expected.denominator),
          });
          if (expected.value === null) expect({ where, value: actual.value }).toEqual({ where, value: null });
          else {
            expect(actual.value).not.toBeNull();
            expect(Math.abs(actual.value! - expected.value)).toBeLessThan(1e-9);
            nonNull += 1;
          }
          // Own records: the unit itself, without the units below it.
          if (definition.formula.op !== 'freshness') {
            const own = expectedValue(world, definition, unit.code, unique, instant, PROCESSED_AT, 'own');
            expect({ where, own: nine(actual.own.numerator), ownDen: nine(actual.own.denominator) }).toEqual({
              where,
              own: nine(own.numerator),
              ownDen: nine(own.denominator),
            });
            expect({ where, own: actual.own.value === null ? null : Math.round(actual.own.value * 1e9) }).toEqual({
              where,
              own: own.value === null ? null : Math.round(own.value * 1e9),
            });
          }
          expect({ where, status: actual.status }).toEqual({
            where,
            status: expectedStatus(world, definition.id, unit.code, unique, instant, PROCESSED_AT),
          });
        }
      }
      // The comparison is not vacuous: most streams carry a value.
      expect(nonNull).toBeGreaterThan(world.definitions.length * 5);
      clock.current = PROCESSED_AT;
    },
  );

  it('publishes IndicatorUpdates with per-stream sequence numbers, and does not re-send unchanged values', async () => {
    const publishing = app.get(PublishingService);
    const live = await app.get(LiveValuesService).compute(PROCESSED_AT);
    const first = await publishing.publish();
    expect(first).toBe(live.length);
    expect(await publishing.publish()).toBe(0);

    const latestKey = sharedRedisKey(redis.prefix, SharedRedisKey.IndicatorLatest);
    const epoch = await redis.client.get(sharedRedisKey(redis.prefix, SharedRedisKey.IndicatorEpoch));
    const stored = JSON.parse((await redis.client.hget(latestKey, streamKey('dossier.on_time_pct', '51')))!) as IndicatorUpdate;
    const expected = live.find((v) => v.indicatorId === 'dossier.on_time_pct' && v.unitCode === '51')!;
    expect(stored).toMatchObject({
      value: expected.value,
      numerator: expected.numerator,
      denominator: expected.denominator,
      seq: 1,
      epoch,
      status: 'no_target',
    });

    // Scorecard of Nghị quyết 13-NQ/TU, read as the resolution means it (independent calculation).
    const card = JSON.parse(
      (await redis.client.hget(sharedRedisKey(redis.prefix, SharedRedisKey.Scorecards), '13-NQ/TU'))!,
    ) as ResolutionScorecard;
    const unique = distinct(events);
    const metByTarget = world.targets.map((target) => expectedTargetMet(world, target, unique, PROCESSED_AT).met);
    expect(card).toMatchObject({ resolutionCode: '13-NQ/TU', total: world.targets.length, met: metByTarget.filter(Boolean).length });
    expect(card.entries.map((e) => e.met).sort()).toEqual([...metByTarget].sort());
    expect(card.entries.map((e) => e.appliesTo).sort()).toEqual(['LEVEL_AGGREGATE', 'LEVEL_EACH', 'LEVEL_EACH', 'UNIT_SUBTREE']);

    // One more late dossier in commune 21001 changes it, its district 522 and the province, nothing else.
    const late: NormalizedEvent = {
      ...events[0]!,
      idempotencyKey: 'late-1',
      unitCode: '21001',
      kind: 'dossier.resolved',
      kindClass: 'fact',
      values: {},
      attributes: { onTime: false },
      occurredAt: localIso(at('2026-12-01T00:40:00').getTime()),
    };
    await queue.add('batch', { sourceId: 'src-test', stream: 'dossier', events: [late] }, { jobId: 'late' });
    await waitForQueueDrained();
    events.push(late);
    await publishing.publish();
    const updated = JSON.parse((await redis.client.hget(latestKey, streamKey('dossier.on_time_pct', '51')))!) as IndicatorUpdate;
    expect(updated.seq).toBe(2);
    expect(updated.denominator).toBe(expected.denominator! + 1);
    const seqs = await redis.client.hgetall(aggregatorRedisKeys(redis.prefix).sequences);
    expect(seqs[streamKey('dossier.on_time_pct', '21001')]).toBe('2');
    expect(seqs[streamKey('dossier.on_time_pct', '524')]).toBe('1');
    const entries = await redis.client.xrange(sharedRedisKey(redis.prefix, SharedRedisKey.IndicatorUpdates), '-', '+');
    expect(entries.length).toBeGreaterThan(live.length);
    expect(JSON.parse(entries.at(-1)![1][1]!) as IndicatorUpdate).toMatchObject({ epoch });

    // Redis loses the epoch and sequences: everything is re-sent from seq 1 under a new epoch.
    await redis.client.del(sharedRedisKey(redis.prefix, SharedRedisKey.IndicatorEpoch), aggregatorRedisKeys(redis.prefix).sequences);
    expect(await publishing.publish()).toBe(live.length);
    const newEpoch = await redis.client.get(sharedRedisKey(redis.prefix, SharedRedisKey.IndicatorEpoch));
    expect(newEpoch).not.toBe(epoch);
    const renewed = JSON.parse((await redis.client.hget(latestKey, streamKey('dossier.on_time_pct', '51')))!) as IndicatorUpdate;
    expect(renewed).toMatchObject({ seq: 1, epoch: newEpoch, denominator: expected.denominator! + 1 });
  });

  it('refuses malformed events to the dead-letter queue with reasons, counts them, and applies the valid ones', async () => {
    const good: NormalizedEvent = {
      ...events[1]!,
      idempotencyKey: 'dl-good',
      kind: 'visits.recorded',
      unitCode: '51-BVDKT',
      values: { count: 7 },
      attributes: {},
      occurredAt: localIso(at('2026-12-01T00:50:00').getTime()),
    };
    const bad: unknown[] = [
      { ...good, idempotencyKey: 'dl-1', unitCode: '99999' },
      { ...good, idempotencyKey: 'dl-2', kind: 'weather.observed' },
      { ...good, idempotencyKey: 'dl-3', values: { count: -3 } },
      { ...good, idempotencyKey: 'dl-4', occurredAt: 'yesterday' },
      { ...good, idempotencyKey: 'dl-5', unitCode: '526' },
      // Issue 13 finding 3: one signed push of count 1e308 (then another) must not blank the province.
      { ...good, idempotencyKey: 'dl-6', values: { count: 1e308 } },
      { ...good, idempotencyKey: 'dl-7', values: { count: 1e308 } },
      { ...good, idempotencyKey: 'dl-8', attributes: JSON.parse('{"__proto__":{"polluted":true}}') as object },
      'not an event',
    ];
    const before = (await app.get(LiveValuesService).compute(PROCESSED_AT)).find(
      (v) => v.indicatorId === 'health.visits_today' && v.unitCode === '51',
    )!;
    const batch = { sourceId: 'src-test', stream: 'health', events: [...bad, good] as NormalizedEvent[] };
    await queue.add('batch', batch, { jobId: 'with-bad' });
    await queue.add('batch', batch, { jobId: 'with-bad-replayed' });
    await waitForQueueDrained();
    events.push(good);

    const deadLetters = new Queue<DeadLetterEntry>(QueueName.DeadLetter, { connection: { url: redis.url }, prefix: redis.queuePrefix });
    const jobs = await deadLetters.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
    await deadLetters.close();
    const reasons = jobs.map((job) => job.data.reason).sort();
    expect(reasons).toHaveLength(bad.length);
    expect(reasons.join('\n')).toContain('unknown unit "99999"');
    expect(reasons.join('\n')).toContain('unknown event kind "weather.observed"');
    expect(reasons.join('\n')).toContain('values.count: must be a finite number from 0 to 1000000, got -3');
    expect(reasons.join('\n')).toContain('values.count: must be a finite number from 0 to 1000000, got 1e+308');
    expect(reasons.join('\n')).toContain('attributes.__proto__: is a reserved name');
    expect(reasons.join('\n')).toContain('occurredAt: must be an ISO-8601 instant');
    expect(reasons.join('\n')).toContain('unit 526 did not exist');
    expect(reasons.join('\n')).toContain('event must be a JSON object');
    expect(jobs.every((job) => job.data.stage === 'aggregator' && job.data.sourceId === 'src-test')).toBe(true);
    expect(await app.get(DeadLetterService).counts()).toEqual({ total: bad.length, 'src-test': bad.length });

    const after = (await app.get(LiveValuesService).compute(PROCESSED_AT)).find(
      (v) => v.indicatorId === 'health.visits_today' && v.unitCode === '51',
    )!;
    expect(after.value).toBe(before.value! + 7);
    expect(Number.isFinite(after.value)).toBe(true);
  });

  it('snapshots history per minute, hour and day, queries it by range, prunes it, and recomputes from stored events', async () => {
    const history = app.get(HistoryService);
    const live = await app.get(LiveValuesService).compute(PROCESSED_AT);
    expect(await history.snapshot(PROCESSED_AT)).toBe(live.length * 3);
    const later = new Date(PROCESSED_AT.getTime() + 60_000);
    await history.snapshot(later);
    const province = live.find((v) => v.indicatorId === 'dossier.online_pct' && v.unitCode === '51')!;
    const minutes = await history.range('dossier.online_pct', '51', 'MINUTE', PROCESSED_AT, new Date(later.getTime() + 1));
    expect(minutes.map((p) => [p.bucketStart.toISOString(), p.value])).toEqual([
      [PROCESSED_AT.toISOString(), province.value],
      [later.toISOString(), province.value],
    ]);
    const days = await history.range('dossier.online_pct', '51', 'DAY', at('2026-12-01T00:00:00'), at('2026-12-02T00:00:00'));
    expect(days).toHaveLength(1);
    expect(days[0]!.asOf.toISOString()).toBe(later.toISOString());
    // Three days later the minute rows (48 h retention) go; hours and days stay.
    const pruned = await history.prune(new Date(later.getTime() + 3 * 86_400_000));
    expect(pruned).toBe(live.length * 2);
    expect(await history.range('dossier.online_pct', '51', 'HOUR', PROCESSED_AT, later)).toHaveLength(1);

    const source = await prisma.source.create({
      data: { name: 'test', connectorType: 'generic-http', connectorVersion: '1', config: {}, schedule: 'every:60000' },
    });
    await prisma.sourceEvent.createMany({
      data: distinct(events).map((e) => ({
        idempotencyKey: e.idempotencyKey,
        sourceId: source.id,
        stream: e.stream,
        unitCode: e.unitCode,
        kind: e.kind,
        occurredAt: new Date(e.occurredAt),
        values: e.values,
        attributes: e.attributes as object,
      })),
    });
    const recomputed = await history.recompute('dossier.satisfaction_766', at('2026-11-30T23:59:59'));
    for (const value of recomputed) {
      const definition = world.definitions.find((d) => d.id === 'dossier.satisfaction_766')!;
      // Recomputed from what was stored up to that instant (standing readings included).
      const upTo = distinct(events).filter((e) => Date.parse(e.occurredAt) <= at('2026-11-30T23:59:59').getTime());
      const expected = expectedValue(world, definition, value.unitCode, upTo, at('2026-11-30T23:59:59'), PROCESSED_AT);
      const rounded = (v: number | null) => (v === null ? null : Math.round(v * 1e9));
      expect({ unit: value.unitCode, value: rounded(value.value) }).toEqual({ unit: value.unitCode, value: rounded(expected.value) });
    }
    expect(recomputed.find((v) => v.unitCode === '51')!.value).not.toBeNull();
  });

  it('projects dated targets from the daily trend: on track when the trend reaches the target by its deadline, else at risk', async () => {
    const online = (unit: string) => live.find((v) => v.indicatorId === 'dossier.online_pct' && v.unitCode === unit)!;
    let live = await app.get(LiveValuesService).compute(PROCESSED_AT);
    const [rising, flat] = ['21001', '21004'];
    const deadline = new Date(PROCESSED_AT.getTime() + 30 * 86_400_000);
    const units = await prisma.administrativeUnit.findMany({ where: { code: { in: [rising, flat] } } });
    const idOf = (code: string) => units.find((u) => u.code === code)!.id;
    for (const code of [rising, flat]) {
      const current = online(code).value!;
      await prisma.target.create({
        data: {
          indicatorId: 'dossier.online_pct',
          appliesTo: 'UNIT_SUBTREE',
          unitId: idOf(code),
          comparator: 'GTE',
          value: Math.min(100, current + 5),
          deadline,
        },
      });
      // Ten earlier days: +1 point a day for the rising unit (reaches the target in five), flat for the other.
      await prisma.indicatorSnapshot.createMany({
        data: Array.from({ length: 10 }, (_, k) => {
          const day = new Date(PROCESSED_AT.getTime() - (10 - k) * 86_400_000);
          return {
            indicatorId: 'dossier.online_pct',
            unitId: idOf(code),
            resolution: 'DAY' as const,
            bucketStart: day,
            asOf: day,
            value: code === rising ? current - (10 - k) : current,
          };
        }),
      });
    }
    await app.get(CatalogService).reload();
    await app.get(TrendService).reload();
    live = await app.get(LiveValuesService).compute(PROCESSED_AT);
    expect(online(rising)).toMatchObject({ status: 'on_track', target: expect.any(Number) });
    expect(online(flat).status).toBe('at_risk');
    // A unit target applies to that unit only; dossier.online_pct has no tier targets.
    expect(online('21007').target).toBeNull();
  });
});
