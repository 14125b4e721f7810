import { Queue } from 'bullmq';
import { QueueName, type NormalizedEvent, SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import type { PrismaClient } from '@ioc/persistence';
import { MetricsServer } from '@ioc/platform';
import {
  SIMULATOR_TOKEN,
  TEST_ADMIN_TOKEN,
  connectorsEnv,
  createSource,
  createTestDatabase,
  createTestRedis,
  queuedEvents,
  seededPrisma,
  startConnectors,
  startSimulator,
  waitFor,
  type RunningConnectors,
  type RunningSimulator,
  type TestDatabase,
  type TestRedis,
} from '../support';

interface TruthFact {
  kind: string;
  kindClass: string;
  unitCode: string;
  occurredAt: string;
  values: Record<string, number>;
  attributes: Record<string, unknown>;
}

const sorted = (record: Record<string, unknown>): string => JSON.stringify(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
const canonical = (fact: Omit<TruthFact, 'kindClass'> & { kindClass: string }): string =>
  [fact.kind, fact.kindClass, fact.unitCode, fact.occurredAt, sorted(fact.values), sorted(fact.attributes)].join('|');

const SYSTEMS = [
  { connectorType: 'ioffice', system: 'ioffice' },
  { connectorType: 'dvc', system: 'dvc' },
  { connectorType: 'health', system: 'his' },
  { connectorType: 'education', system: 'edu' },
] as const;

jest.setTimeout(90_000);

describe('pulling the four simulated systems', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaClient;
  let simulator: RunningSimulator;
  let connectors: RunningConnectors;
  const sourceIds: string[] = [];

  beforeAll(async () => {
    [database, redis, simulator] = await Promise.all([createTestDatabase(), createTestRedis(), startSimulator({ historyDays: 3 })]);
    prisma = await seededPrisma(database);
    connectors = await startConnectors(connectorsEnv(database, redis, { EVENT_BATCH_SIZE: '250' }));
  });

  afterAll(async () => {
    await connectors?.close();
    await simulator?.close();
    await prisma?.$disconnect();
    await redis?.cleanup();
    await database?.drop();
  });

  it('queues exactly the events of the simulators ground truth, by key, in batches, and reports health OK', async () => {
    for (const { connectorType } of SYSTEMS) {
      const created = await createSource(connectors.url, {
        name: `${connectorType} (test)`,
        connectorType,
        config: { baseUrl: simulator.url, pageSize: 100 },
        credentials: { token: SIMULATOR_TOKEN },
        schedule: 'every:1000',
      });
      expect(created.status).toBe(201);
      sourceIds.push(created.body.id as string);
    }

    const truth: TruthFact[] = [];
    for (const { system } of SYSTEMS) {
      const response = await fetch(`${simulator.url}/_ground-truth/${system}`);
      truth.push(...((await response.json()) as { facts: TruthFact[] }).facts);
    }
    const expected = truth.map(canonical).sort();
    expect(new Set(expected).size).toBe(expected.length);

    const { byKey, total, jobs } = await waitFor(
      async () => {
        const queued = await queuedEvents(redis);
        return queued.byKey.size >= expected.length ? queued : undefined;
      },
      60_000,
      `${expected.length} distinct events in the queue`,
    );
    const actual = [...byKey.values()].map((event: NormalizedEvent) => canonical(event)).sort();
    expect(actual).toEqual(expected);
    // Every queued event is also kept in source_events, once, for recomputing past periods.
    const stored = await prisma.sourceEvent.findMany({ select: { idempotencyKey: true } });
    expect(stored.map((e) => e.idempotencyKey).sort()).toEqual([...byKey.keys()].sort());
    // Many events per job, not one job per event.
    expect(jobs).toBeLessThan(total / 10);

    const kinds = new Set([...byKey.values()].map((event) => event.kind));
    expect([...kinds].sort()).toEqual([
      'attendance.daily',
      'beds.occupancy',
      'diseases.notified',
      'document.issued',
      'document.processed',
      'documents.overdue',
      'dossier.complained',
      'dossier.paid',
      'dossier.received',
      'dossier.resolved',
      'dossiers.overdue_open',
      'emergencies.recorded',
      'health_records.opened',
      'procedure.listed',
      'school_records.digital',
      'tuition.cashless',
      'visits.recorded',
    ]);

    const sources = await waitFor(async () => {
      const rows = await prisma.source.findMany({ where: { id: { in: sourceIds } } });
      return rows.every((row) => row.health === 'OK') ? rows : undefined;
    });
    for (const source of sources) {
      expect(Object.keys(source.cursor as object).length).toBeGreaterThan(0);
      expect(source.deadLetterCount).toBe(0);
    }
    const published = await redis.client.xrange(sharedRedisKey(redis.prefix, SharedRedisKey.SourceHealth), '-', '+');
    const updates = published.map(([, fields]) => JSON.parse(fields[1]!) as { sourceId: string; status: string });
    expect(new Set(updates.filter((u) => u.status === 'OK').map((u) => u.sourceId))).toEqual(new Set(sourceIds));

    const metrics = await (await fetch(connectors.app.get(MetricsServer).url)).text();
    expect(metrics).toContain(`ioc_connector_events_queued_total{source="${sourceIds[0]}",stream="documents",app="connectors"}`);
    expect(metrics).toMatch(/ioc_connector_counter_total\{source="[^"]+",stream="dossiers",name="records_read",app="connectors"\} \d+/);
    expect(metrics).toMatch(new RegExp(`ioc_connector_pull_lag_seconds\\{source="${sourceIds[0]}",app="connectors"\\} \\d+`));
  });

  it('backfills a range of one stream on request without moving the live cursor', async () => {
    const dvc = sourceIds[1]!;
    const before = await prisma.source.findUniqueOrThrow({ where: { id: dvc } });
    const queuedBefore = await queuedEvents(redis);
    const response = await fetch(`${connectors.url}/sources/${dvc}/backfill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ stream: 'dossiers', from: '2026-11-19T00:00:00+07:00', to: '2026-11-20T00:00:00+07:00' }),
    });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    const pulls = new Queue(QueueName.SourcePull, { connection: { url: redis.url }, prefix: redis.queuePrefix });
    try {
      await waitFor(async () => ((await pulls.getJobState(jobId)) === 'completed' ? true : undefined), 30_000, 'the backfill job');
    } finally {
      await pulls.close();
    }
    const after = await queuedEvents(redis);
    // The range was re-read and queued again (new batches), with the keys already seen: nothing new after dedup.
    expect(after.total).toBeGreaterThan(queuedBefore.total);
    expect(after.byKey.size).toBe(queuedBefore.byKey.size);
    expect((await prisma.source.findUniqueOrThrow({ where: { id: dvc } })).cursor).toEqual(before.cursor);

    const unknownStream = await fetch(`${connectors.url}/sources/${dvc}/backfill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ stream: 'nope', from: '2026-11-19T00:00:00+07:00', to: '2026-11-20T00:00:00+07:00' }),
    });
    expect(unknownStream.status).toBe(422);
  });

  it('refuses a source whose config breaks the connector schema, naming the fields', async () => {
    const refused = await createSource(connectors.url, {
      name: 'broken dvc',
      connectorType: 'dvc',
      config: { baseUrl: 'not a url', pageSize: 0 },
      credentials: { token: SIMULATOR_TOKEN },
    });
    expect(refused.status).toBe(400);
    expect((refused.body.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['baseUrl', 'pageSize']);
  });
});
