import { Queue } from 'bullmq';
import { QueueName, type EventBatchJob, type NormalizedEvent } from '@ioc/contracts';
import { createPrismaClient, type PrismaClient } from '@ioc/persistence';
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

const ENTRY = 'apps/aggregator/src/main.js';

/** Runs `npm run build` first: it starts the compiled aggregator and SIGKILLs it mid-stream. */
describe('two aggregator processes, killed mid-stream (compiled, real Redis and Postgres)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaClient;
  let queue: Queue<EventBatchJob>;
  let world: SeededWorld;
  const processes: RunningProcess[] = [];

  const start = (): RunningProcess => {
    const running = runCompiled(ENTRY, {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      LOG_LEVEL: 'warn',
      AGGREGATOR_METRICS_PORT: '0',
      AGGREGATOR_CONCURRENCY: '2',
      // Batches of a killed process come back after one second instead of thirty.
      AGGREGATOR_JOB_LOCK_MS: '1000',
      AGGREGATOR_PUBLISH_INTERVAL_MS: '100',
    });
    processes.push(running);
    return running;
  };

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    prisma = createPrismaClient(db.url);
    await seedDatabase(prisma, { adminPassword: 'test-password-123' });
    world = await loadWorld(prisma);
    queue = new Queue<EventBatchJob>(QueueName.Events, { connection: { url: redis.url }, prefix: redis.queuePrefix });
  }, 30_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await queue?.close();
    await prisma?.$disconnect();
    await Promise.all([redis?.cleanup(), db?.drop()]);
  });

  it('ends with exactly the expected values after several SIGKILLs and redeliveries', async () => {
    const now = Date.now();
    // Today's events (local day), so every window of the catalog sees them.
    const startOfDay = new Date(new Date(now + 7 * 3600_000).toISOString().slice(0, 10) + 'T00:00:00+07:00').getTime();
    const leaves = world.units.filter((u) => u.leaf && u.validTo === null);
    const events = eventMix({
      units: leaves,
      count: 12_000,
      fromMs: startOfDay,
      toMs: now - 1000,
      seed: 42,
      sourceId: 'src-crash',
      keyPrefix: 'crash',
    });
    const batches: NormalizedEvent[][] = [];
    for (let i = 0; i < events.length; i += 200) batches.push(events.slice(i, i + 200));
    const completed = async () => (await queue.getJobCounts('completed')).completed ?? 0;

    // Two processes share the queue; each cycle one of them is SIGKILLed and replaced.
    const running = [start(), start()];
    let added = 0;
    for (let kill = 0; kill < 4; kill += 1) {
      const chunk = batches.slice(added, added + 15);
      // Replays under new job ids (a connector re-reading a page) ride along with fresh batches.
      const replays = added > 0 ? [batches[added - 1]!, batches[Math.floor(added / 2)]!] : [];
      await queue.addBulk(
        [...chunk, ...replays].map((batch, i) => ({
          name: 'batch',
          data: { sourceId: 'src-crash', stream: 'mixed', events: batch },
          opts: { jobId: `k${kill}-${i}` },
        })),
      );
      added += chunk.length;
      const before = await completed();
      await waitFor(async () => ((await completed()) >= before + 3 ? true : undefined), 30_000, 'the aggregator to make progress');
      await running[kill % 2]!.stop('SIGKILL');
      running[kill % 2] = start();
    }
    await queue.addBulk(
      batches.slice(added).map((batch, i) => ({
        name: 'batch',
        data: { sourceId: 'src-crash', stream: 'mixed', events: batch },
        opts: { jobId: `tail-${i}` },
      })),
    );

    await waitFor(
      async () => {
        const { waiting = 0, active = 0, delayed = 0, failed = 0 } = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
        if (failed > 0) throw new Error(`${failed} batches failed`);
        return waiting + active + delayed === 0 ? true : undefined;
      },
      60_000,
      'every batch to be processed',
    );

    const mismatches = () => publishedMismatches(redis.client, redis.prefix, world, events);
    // The surviving processes publish the final state within a few intervals.
    await waitFor(
      async () => ((await mismatches()).length === 0 ? true : undefined),
      20_000,
      'published values to equal the expected ones',
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${(await mismatches()).slice(0, 5).join('\n')}`);
    });
    expect(await mismatches()).toEqual([]);
    expect(processes.filter((p) => p.child.signalCode === 'SIGKILL')).toHaveLength(4);

    // The survivors stop gracefully (Nest re-raises SIGTERM after its shutdown hooks), within their timeout.
    await Promise.all(running.map((p) => p.stop('SIGTERM')));
    for (const p of running) {
      expect(p.child.signalCode).toBe('SIGTERM');
      expect(p.output()).not.toContain('shutdown took longer');
    }
  }, 120_000);
});
