import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { QueueName, redisKeyTag, type EventBatchJob, type NormalizedEvent } from '@ioc/contracts';
import { createPrismaClient, toSourceEventRow, type PrismaClient } from '@ioc/persistence';
import { seedDatabase } from '@ioc/seed';
import { eventMix } from '../support/event-mix';
import {
  createTestDatabase,
  createTestRedis,
  runCompiled,
  waitFor,
  type RunningProcess,
  type TestDatabase,
  type TestRedis,
} from '../support';
import { loadWorld, type SeededWorld } from './expected-values';
import { publishedMismatches } from './published-values';

interface KeyDump {
  key: string;
  pttl: number;
  value: Buffer;
}

/** Every key under the prefix as DUMP holds it: what a replica has replicated at this instant. */
async function dumpPrefix(client: Redis, prefix: string): Promise<KeyDump[]> {
  const dumps: KeyDump[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${redisKeyTag(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      // Read together: a key that expires between two separate reads would come back without its expiry (the publish gate, held forever).
      const [[, pttl], [, value]] = (await client.multi().pttl(key).dumpBuffer(key).exec()) as [[null, number], [null, Buffer | null]];
      if (value) dumps.push({ key, pttl, value });
    }
  } while (cursor !== '0');
  return dumps;
}

/** The prefix's keys replaced by an earlier dump: the state a promoted replica serves after an asynchronous-replication loss. */
async function restorePrefix(client: Redis, prefix: string, dumps: KeyDump[]): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${redisKeyTag(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
  for (const { key, pttl, value } of dumps) await client.restore(key, pttl > 0 ? pttl : 0, value, 'REPLACE');
}

/** Runs `npm run build` first: it starts the compiled aggregator and the compiled reconcile command. */
describe('reconciliation after a Redis failover that lost the last writes (compiled, real Redis and Postgres)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaClient;
  let queue: Queue<EventBatchJob>;
  let world: SeededWorld;
  let aggregator: RunningProcess | undefined;

  const env = (): Record<string, string> => ({ DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'warn' });
  const startAggregator = (): RunningProcess =>
    runCompiled('apps/aggregator/src/main.js', { ...env(), AGGREGATOR_METRICS_PORT: '0', AGGREGATOR_PUBLISH_INTERVAL_MS: '100' });
  /** What the connectors do with accepted events: keep them in source_events, then queue them. */
  const receive = async (events: NormalizedEvent[], tag: string): Promise<void> => {
    await prisma.sourceEvent.createMany({ data: events.map(toSourceEventRow), skipDuplicates: true });
    const batches: EventBatchJob[] = [];
    for (let i = 0; i < events.length; i += 250)
      batches.push({ sourceId: events[0]!.sourceId, stream: 'mixed', events: events.slice(i, i + 250) });
    await queue.addBulk(batches.map((data, index) => ({ name: 'event-batch', data, opts: { jobId: `${tag}-${index}` } })));
  };
  const publishedEqual = async (events: NormalizedEvent[], what: string): Promise<void> => {
    const mismatches = () => publishedMismatches(redis.client, redis.prefix, world, events);
    await waitFor(async () => ((await mismatches()).length === 0 ? true : undefined), 30_000, what).catch(async (error: unknown) => {
      // The aggregator's own warnings say why it stopped publishing, when it did.
      throw new Error(
        `${String(error)}\n${(await mismatches()).slice(0, 5).join('\n')}\naggregator output:\n${aggregator?.output().slice(-3000) ?? ''}`,
      );
    });
  };
  const reconcile = async (since: Date): Promise<Record<string, unknown>> => {
    const run = runCompiled('scripts/reconcile.js', env(), ['--since', since.toISOString(), '--batch', '300', '--json']);
    if ((await run.exited) !== 0) throw new Error(`reconcile exited with ${run.child.exitCode}:\n${run.output()}`);
    const lines = run.output().trim().split('\n');
    return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  };

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    prisma = createPrismaClient(db.url);
    await seedDatabase(prisma, { adminPassword: 'test-password-123' });
    world = await loadWorld(prisma);
    queue = new Queue<EventBatchJob>(QueueName.Events, { connection: { url: redis.url }, prefix: redis.queuePrefix });
  }, 30_000);

  afterAll(async () => {
    await aggregator?.stop('SIGKILL');
    await queue?.close();
    await prisma?.$disconnect();
    await Promise.all([redis?.cleanup(), db?.drop()]);
  });

  it('counts again exactly the events the promoted replica never received, and nothing twice', async () => {
    const source = await prisma.source.create({
      data: { name: 'DVC', connectorType: 'dvc', connectorVersion: '1', config: {}, schedule: 'every:60000' },
    });
    const now = Date.now();
    const startOfDay = new Date(new Date(now + 7 * 3600_000).toISOString().slice(0, 10) + 'T00:00:00+07:00').getTime();
    const leaves = world.units.filter((u) => u.leaf && u.validTo === null);
    const mix = (count: number, seed: number, keyPrefix: string) =>
      eventMix({ units: leaves, count, fromMs: startOfDay, toMs: now - 1000, seed, sourceId: source.id, keyPrefix });
    const replicated = mix(3000, 7, 'replicated');
    const lostInFailover = mix(1500, 8, 'lost');
    const beforeEverything = new Date(Date.now() - 1000);

    aggregator = startAggregator();
    await receive(replicated, 'first');
    await publishedEqual(replicated, 'the first events to be published');
    // The replica is in sync up to here; the master takes more writes, then dies before they replicate.
    await aggregator.stop('SIGKILL');
    const replica = await dumpPrefix(redis.client, redis.prefix);
    aggregator = startAggregator();
    await receive(lostInFailover, 'second');
    await publishedEqual([...replicated, ...lostInFailover], 'every event to be published before the failover');
    await aggregator.stop('SIGKILL');
    await restorePrefix(redis.client, redis.prefix, replica);

    // The promoted replica serves the older state: the second events are gone from every value.
    aggregator = startAggregator();
    await publishedEqual(replicated, 'the promoted replica to serve the state without the lost writes');
    await waitFor(async () => ((await queue.getWorkersCount()) > 0 ? true : undefined), 30_000, 'the restarted aggregator to take batches');

    // Reconciliation from source_events, starting well before the failover: only what was lost counts.
    const result = await reconcile(beforeEverything);
    expect(result).toMatchObject({ event: 'completed', events: 4500, refused: 0 });
    // Only lost events are counted again (of the mix's 1,500, the additive ones: gauge readings are not counted as applied).
    expect(result.applied).toBeGreaterThan(1000);
    expect(result.applied).toBeLessThanOrEqual(1500);
    expect(result.unchanged).toBe(4500 - (result.applied as number));
    await publishedEqual([...replicated, ...lostInFailover], 'every value to equal the independent calculation after reconciliation');

    // Running it again changes nothing.
    expect(await reconcile(beforeEverything)).toMatchObject({ events: 4500, applied: 0, unchanged: 4500 });
    await publishedEqual([...replicated, ...lostInFailover], 'the values to stay put');
  }, 150_000);
});
