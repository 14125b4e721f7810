import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { QueueName, SharedRedisKey, sharedRedisKey, type EventBatchJob, type IndicatorUpdate, type NormalizedEvent } from '@ioc/contracts';
import { loadConfig } from '@ioc/config';
import { createPrismaClient } from '@ioc/persistence';
import { DEFAULT_LOCAL_UNIT_CODE, seedDatabase } from '@ioc/seed';
import { AppModule } from '../../apps/aggregator/src/app.module';
import { AggregatorConfig } from '../../apps/aggregator/src/config/aggregator-config';
import { aggregatorRedisKeys } from '../../apps/aggregator/src/redis-keys';
import { createTestDatabase, createTestRedis, waitFor, type TestDatabase, type TestRedis } from '../support';

const INDICATOR = 'health.visits_today';

/** Publishing on the leading edge: a change goes out without waiting for the timer, and no change is lost or reordered. */
describe('leading-edge publishing (real Redis and Postgres)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let queue: Queue<EventBatchJob>;
  let app: INestApplicationContext | undefined;
  let sequence = 0;

  /** An aggregator on a Redis prefix of its own (the previous one's publish gate may hold for an hour). */
  const start = async (intervalMs: number, env: Record<string, string> = {}): Promise<void> => {
    redis = await createTestRedis();
    queue = new Queue<EventBatchJob>(QueueName.Events, { connection: { url: redis.url }, prefix: redis.queuePrefix });
    const config = loadConfig(AggregatorConfig, {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      AGGREGATOR_METRICS_PORT: '0',
      AGGREGATOR_PUBLISH_INTERVAL_MS: String(intervalMs),
      AGGREGATOR_PUBLISH_ON_CHANGE: 'true',
      ...env,
    });
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
    await app.init();
  };
  const visits = (count: number): NormalizedEvent[] =>
    Array.from({ length: count }, () => ({
      idempotencyKey: `visit-${(sequence += 1)}`,
      sourceId: 'his',
      stream: 'visits',
      unitCode: DEFAULT_LOCAL_UNIT_CODE,
      occurredAt: new Date(Date.now() - 5000).toISOString(),
      kind: 'visits.recorded',
      kindClass: 'fact',
      values: { count: 1 },
      attributes: {},
    }));
  const send = (events: NormalizedEvent[]) => queue.add('batch', { sourceId: 'his', stream: 'visits', events }, { jobId: `b-${sequence}` });
  /** The commune's visit counts as published on the updates stream, in stream order. */
  const published = async (): Promise<IndicatorUpdate[]> =>
    (await everything()).filter((update) => update.indicatorId === INDICATOR && update.unitCode === DEFAULT_LOCAL_UNIT_CODE);
  /** Every update on the stream, in stream order. */
  const everything = async (): Promise<IndicatorUpdate[]> =>
    (await redis.client.xrange(sharedRedisKey(redis.prefix, SharedRedisKey.IndicatorUpdates), '-', '+')).map(
      ([, fields]) => JSON.parse(fields[fields.indexOf('u') + 1]!) as IndicatorUpdate,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    const prisma = createPrismaClient(db.url);
    await seedDatabase(prisma, { adminPassword: 'test-password-123' });
    await prisma.$disconnect();
  }, 30_000);

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await queue.close();
    await redis.cleanup();
  });

  afterAll(() => db?.drop());

  it('publishes a change at once, although the timer would not tick for an hour', async () => {
    await start(3_600_000);
    await send(visits(3));
    const [update] = await waitFor(
      async () => {
        const updates = await published();
        return updates.length > 0 ? updates : undefined;
      },
      15_000,
      'the change to be published before any timer tick',
    );
    expect(update).toMatchObject({ value: 3, seq: 1 });
  });

  it('coalesces the changes within an interval into one publish at its end, losing and reordering none', async () => {
    await start(1500);
    await send(visits(1));
    const before = await waitFor(async () => (await published()).at(-1), 15_000, 'the first change');
    // Five batches back to back: the first goes out at once, the rest together when the interval ends.
    for (let batch = 0; batch < 5; batch += 1) await send(visits(2));
    const after = await waitFor(
      async () => {
        const updates = (await published()).filter((u) => u.seq > before.seq);
        return updates.at(-1)?.value === before.value! + 10 ? updates : undefined;
      },
      20_000,
      'every change to be published',
    );
    // Values only grow, sequence numbers follow each other: nothing lost or reordered on the stream.
    expect(after.map((u) => u.seq)).toEqual(after.map((_, i) => before.seq + 1 + i));
    for (const [i, update] of after.entries()) expect(update.value!).toBeGreaterThan(i === 0 ? before.value! : after[i - 1]!.value!);
    expect(after.length).toBeLessThan(5);
  });

  it('between full recomputes, publishes at once only the indicators the events move (their kind read, and source freshness)', async () => {
    // The first round recomputes every stream; the next full one would come in an hour. Every
    // delivery re-sends: a full round would publish every stream of the commune and its ancestors
    // for the source's new delivery time alone.
    await start(200, { AGGREGATOR_RECOMPUTE_INTERVAL_MS: '3600000', AGGREGATOR_DELIVERY_RESEND_MS: '0' });
    await send(visits(3));
    const first = await waitFor(async () => (await published()).at(-1), 15_000, 'the first, full round');
    const fullRound = (await everything()).length;
    expect(fullRound).toBeGreaterThan(100);

    await send(visits(2));
    await waitFor(async () => ((await published()).at(-1)!.value === first.value! + 2 ? true : undefined), 15_000, 'the change round');
    const changeRound = (await everything()).slice(fullRound);
    // Visits are read by the visit count and by the share of visits with a health record (its denominator).
    const movedByVisits = ['health.visits_today', 'health.ehr_pct', 'source.freshness'];
    const indicatorsIn = (updates: IndicatorUpdate[]): string[] => [...new Set(updates.map((update) => update.indicatorId))];
    expect(indicatorsIn((await everything()).slice(0, fullRound)).filter((id) => !movedByVisits.includes(id)).length).toBeGreaterThan(5);
    expect(indicatorsIn(changeRound).filter((id) => !movedByVisits.includes(id))).toEqual([]);
    expect(changeRound.filter((update) => update.indicatorId === INDICATOR).map((update) => update.unitCode)).toContain(
      DEFAULT_LOCAL_UNIT_CODE,
    );
  });

  it('leaves the kinds it could not publish (another process held the gate) for the next round, whichever process runs it', async () => {
    await start(200, { AGGREGATOR_RECOMPUTE_INTERVAL_MS: '3600000' });
    await send(visits(1));
    const first = await waitFor(async () => (await published()).at(-1), 15_000, 'the first round');
    const { publishGate, pendingKinds } = aggregatorRedisKeys(redis.prefix);
    // Another process publishes for the next 1.5 s.
    await redis.client.set(publishGate, 'another-process', 'PX', 1500);
    await send(visits(2));
    await waitFor(
      async () => ((await redis.client.smembers(pendingKinds)).includes('visits.recorded') ? true : undefined),
      10_000,
      'the kind left for the gate holder',
    );
    // Here the holder does nothing with it; the next round (this process's, once the gate expires) takes it.
    await waitFor(async () => ((await published()).at(-1)!.value === first.value! + 2 ? true : undefined), 15_000, 'the change published');
    expect(await redis.client.smembers(pendingKinds)).toEqual([]);
  });
});
