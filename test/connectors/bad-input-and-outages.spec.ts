import { SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import type { PrismaClient } from '@ioc/persistence';
import {
  SIMULATED_NOW,
  SIMULATOR_TOKEN,
  connectorsEnv,
  createSource,
  createTestDatabase,
  createTestRedis,
  deadLetters,
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

const at = (minutesBefore: number): string => new Date(SIMULATED_NOW.getTime() - minutesBefore * 60_000).toISOString();
const validDocument = {
  loaiVanBan: 'den',
  maDonVi: '522',
  tenDonVi: 'TP Quảng Ngãi',
  ngayTao: '2026-11-20T08:00:00.000+07:00',
  hanXuLy: '2026-11-25T17:00:00.000+07:00',
  trangThai: 'da_xu_ly',
  ngayXuLy: '2026-11-20T09:00:00.000+07:00',
  xuLyTrenMang: true,
  kySo: null,
};

jest.setTimeout(90_000);

describe('bad records and source outages', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaClient;
  let simulator: RunningSimulator;
  let connectors: RunningConnectors;

  beforeAll(async () => {
    [database, redis, simulator] = await Promise.all([createTestDatabase(), createTestRedis(), startSimulator({ historyDays: 1 })]);
    prisma = await seededPrisma(database);
    connectors = await startConnectors(
      connectorsEnv(database, redis, {
        CONNECTOR_HTTP_MAX_ATTEMPTS: '2',
        CONNECTOR_BREAKER_THRESHOLD: '2',
        CONNECTOR_BREAKER_HALF_OPEN_MS: '300',
        CONNECTOR_HTTP_TIMEOUT_MS: '1000',
        SOURCE_DOWN_AFTER_S: '3600',
      }),
    );
  });

  afterAll(async () => {
    await connectors?.close();
    await simulator?.close();
    await prisma?.$disconnect();
    await redis?.cleanup();
    await database?.drop();
  });

  const addSource = async (connectorType: string): Promise<string> => {
    const created = await createSource(connectors.url, {
      name: `${connectorType} ${Math.random()}`,
      connectorType,
      config: { baseUrl: simulator.url, pageSize: 50 },
      credentials: { token: SIMULATOR_TOKEN },
      schedule: 'every:1000',
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  it('dead-letters malformed records with their reason, source and raw record, counts them, and keeps going', async () => {
    simulator.core.inject('ioffice', 'documents', [
      { ...validDocument, id: 'BAD-TYPE', xuLyTrenMang: 'có', updatedAt: at(5) },
      { ...validDocument, id: 'BAD-NO-UNIT', maDonVi: undefined, updatedAt: at(4) },
      { ...validDocument, id: 'BAD-UNIT', maDonVi: '99999', updatedAt: at(3) },
      { ...validDocument, id: 'BAD-DATE', ngayXuLy: '1899-12-31T09:00:00.000+07:00', updatedAt: at(2) },
      { ...validDocument, id: 'BAD-SIZE', trichYeu: 'x'.repeat(70_000), updatedAt: at(1) },
    ]);
    const sourceId = await addSource('ioffice');
    const truth = (await (await fetch(`${simulator.url}/_ground-truth/ioffice`)).json()) as { facts: unknown[] };

    const letters = await waitFor(
      async () => {
        const entries = (await deadLetters(redis)).filter((entry) => entry.sourceId === sourceId);
        return entries.length >= 5 ? entries : undefined;
      },
      30_000,
      'five dead letters',
    );
    const byId = new Map(letters.map((entry) => [(entry.raw as { id?: string }).id ?? 'oversized', entry]));
    expect(letters).toHaveLength(5);
    expect(byId.get('BAD-TYPE')!.reason).toMatch(/xuLyTrenMang must be true or false/);
    expect(byId.get('BAD-NO-UNIT')!.reason).toMatch(/maDonVi must be a non-empty string/);
    expect(byId.get('BAD-UNIT')!).toMatchObject({ reason: 'unitCode: unknown unit "99999"', fields: ['unitCode'] });
    expect(byId.get('BAD-DATE')!.fields).toContain('occurredAt'); // and unitCode: no unit existed in 1899
    expect(byId.get('BAD-DATE')!.reason).toMatch(/older than the deduplication horizon/);
    expect(byId.get('oversized')!.reason).toMatch(/over the 65536-byte limit/);
    for (const entry of letters) expect(entry).toMatchObject({ sourceId, stream: 'documents', stage: 'connector' });

    // The good records around them still flow, and the source stays healthy with the count on it.
    const queued = await waitFor(
      async () => {
        const events = [...(await queuedEvents(redis)).byKey.values()].filter((event) => event.sourceId === sourceId);
        return events.length >= truth.facts.length ? events : undefined;
      },
      30_000,
      'the valid ioffice events',
    );
    expect(queued).toHaveLength(truth.facts.length);
    const source = await waitFor(async () => {
      const row = await prisma.source.findUniqueOrThrow({ where: { id: sourceId } });
      return row.health === 'OK' && row.deadLetterCount === 5 ? row : undefined;
    });
    expect(source.lastError).toBeNull();
  });

  it('a 500 storm opens the circuit and degrades the source; other sources keep flowing; it recovers to OK', async () => {
    const dvc = await addSource('dvc');
    const education = await addSource('education');
    await waitFor(
      async () => {
        const rows = await prisma.source.findMany({ where: { id: { in: [dvc, education] }, health: 'OK' } });
        return rows.length === 2 ? rows : undefined;
      },
      30_000,
      'both sources OK',
    );

    simulator.core.setFaults('dvc', { errorRate: 1 });
    const degraded = await waitFor(
      async () => {
        const row = await prisma.source.findUniqueOrThrow({ where: { id: dvc } });
        return row.health === 'DEGRADED' && /circuit open/.test(row.lastError ?? '') ? row : undefined;
      },
      30_000,
      'dvc degraded with its circuit open',
    );
    expect(degraded.lastErrorAt).not.toBeNull();

    // Meanwhile education keeps being pulled successfully.
    const educationBefore = await prisma.source.findUniqueOrThrow({ where: { id: education } });
    await waitFor(
      async () => {
        const row = await prisma.source.findUniqueOrThrow({ where: { id: education } });
        return row.health === 'OK' && row.lastSuccessAt! > educationBefore.lastSuccessAt! ? row : undefined;
      },
      30_000,
      'education pulled again during the storm',
    );

    simulator.core.setFaults('dvc', { errorRate: 0 });
    await waitFor(
      async () => {
        const row = await prisma.source.findUniqueOrThrow({ where: { id: dvc } });
        return row.health === 'OK' && row.lastSuccessAt! > degraded.lastErrorAt! ? row : undefined;
      },
      30_000,
      'dvc back to OK',
    );

    const statuses = (await redis.client.xrange(sharedRedisKey(redis.prefix, SharedRedisKey.SourceHealth), '-', '+'))
      .map(([, fields]) => JSON.parse(fields[1]!) as { sourceId: string; status: string })
      .filter((update) => update.sourceId === dvc)
      .map((update) => update.status);
    const firstDegraded = statuses.indexOf('DEGRADED');
    expect(firstDegraded).toBeGreaterThan(0);
    expect(statuses.slice(firstDegraded)).toContain('OK');
  });
});
