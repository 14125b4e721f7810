import { CredentialCipher } from '@ioc/security';
import type { PrismaClient } from '@ioc/persistence';
import {
  SIMULATOR_TOKEN,
  connectorsEnv,
  createTestDatabase,
  createTestRedis,
  queuedEvents,
  runCompiled,
  seededPrisma,
  startSimulator,
  waitFor,
  type RunningProcess,
  type RunningSimulator,
  type TestDatabase,
  type TestRedis,
} from '../support';

/** Needs `npm run build` (the connectors run as their compiled dist entry, and are SIGKILLed). */
jest.setTimeout(90_000);

describe('connectors killed mid-sync', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaClient;
  let simulator: RunningSimulator;
  let running: RunningProcess | undefined;

  beforeAll(async () => {
    [database, redis, simulator] = await Promise.all([createTestDatabase(), createTestRedis(), startSimulator({ historyDays: 2 })]);
    prisma = await seededPrisma(database);
  });

  afterAll(async () => {
    await running?.stop('SIGKILL');
    await simulator?.close();
    await prisma?.$disconnect();
    await redis?.cleanup();
    await database?.drop();
  });

  it('resumes from the saved cursors after SIGKILL: no event missing, none extra after dedup by key', async () => {
    const env = connectorsEnv(database, redis);
    const cipher = new CredentialCipher(env.CREDENTIALS_KEY!);
    for (const connectorType of ['ioffice', 'dvc']) {
      await prisma.source.create({
        data: {
          name: `${connectorType} crash test`,
          connectorType,
          connectorVersion: '1.0.0',
          schedule: 'every:1000',
          config: { baseUrl: simulator.url, pageSize: 20 },
          credentialsEncrypted: cipher.encryptJson({ token: SIMULATOR_TOKEN }),
        },
      });
    }
    const truth: string[] = [];
    for (const system of ['ioffice', 'dvc']) {
      const { facts } = (await (await fetch(`${simulator.url}/_ground-truth/${system}`)).json()) as {
        facts: { kind: string; unitCode: string; occurredAt: string }[];
      };
      truth.push(...facts.map((f) => `${f.kind}|${f.unitCode}|${f.occurredAt}`));
    }
    // Slow pages so the first process is surely mid-sync when it is killed.
    simulator.core.setFaults('ioffice', { slowRate: 1, slowMs: 100 });
    simulator.core.setFaults('dvc', { slowRate: 1, slowMs: 100 });

    running = runCompiled('apps/connectors/src/main.js', env);
    const beforeKill = await waitFor(
      async () => {
        const queued = await queuedEvents(redis);
        return queued.jobs >= 3 ? queued : undefined;
      },
      30_000,
      'a few batches queued',
    );
    expect(await running.stop('SIGKILL')).toBeNull();
    const cursorsAtKill = (await prisma.source.findMany()).map((source) => source.cursor);
    expect(beforeKill.byKey.size).toBeLessThan(truth.length);

    simulator.core.setFaults('ioffice', { slowRate: 0 });
    simulator.core.setFaults('dvc', { slowRate: 0 });
    running = runCompiled('apps/connectors/src/main.js', env);
    const after = await waitFor(
      async () => {
        const queued = await queuedEvents(redis);
        return queued.byKey.size >= truth.length ? queued : undefined;
      },
      60_000,
      `${truth.length} distinct events after the restart`,
    );

    const actual = [...after.byKey.values()].map((e) => `${e.kind}|${e.unitCode}|${e.occurredAt}`).sort();
    expect(actual).toEqual([...truth].sort());
    expect(cursorsAtKill.some((cursor) => Object.keys(cursor as object).length > 0)).toBe(true);
  });
});
