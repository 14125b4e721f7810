import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue, QueueEvents } from 'bullmq';
import { type DeadLetterEntry, type EventBatchJob, type NormalizedEvent, QueueName } from '@ioc/contracts';
import { loadConfig } from '@ioc/config';
import { LiveValuesService } from '../../apps/aggregator/src/aggregation/live-values.service';
import { AppModule as AggregatorModule } from '../../apps/aggregator/src/app.module';
import { CatalogService } from '../../apps/aggregator/src/catalog/catalog.service';
import { AggregatorConfig } from '../../apps/aggregator/src/config/aggregator-config';
import { createBacking, login, PROVINCE_KEY, startGateway, type Backing, type RunningGateway } from '../gateway/gateway-harness';
import { runCompiled, waitFor } from '../support';

jest.setTimeout(120_000);

const NEW_COMMUNE = '21999';

/** A late dossier of `unitCode` a minute ago: dossier.late counts it. */
const lateDossier = (key: string, unitCode: string): NormalizedEvent => ({
  idempotencyKey: key,
  sourceId: 'dvc-51',
  stream: 'dossiers',
  unitCode,
  occurredAt: new Date(Date.now() - 60_000).toISOString(),
  kind: 'dossier.resolved',
  kindClass: 'fact',
  values: {},
  attributes: { onTime: false },
});

interface DeadLetterList {
  total: number;
  entries: (DeadLetterEntry & { id: string; redrivable: boolean })[];
}

describe('dead letters as an operator tool: list, show, redrive after a fix, purge (REST and CLI)', () => {
  let backing: Backing;
  let aggregator: INestApplicationContext;
  let gateway: RunningGateway;
  let events: Queue<EventBatchJob>;
  let deadLetters: Queue<DeadLetterEntry>;
  let queueEvents: QueueEvents;
  let token: string;

  const lateAt = async (unitCode: string): Promise<number | null> => {
    const values = await aggregator.get(LiveValuesService).compute(new Date());
    return values.find((v) => v.indicatorId === 'dossier.late' && v.unitCode === unitCode)?.value ?? null;
  };
  const api = async (
    method: 'GET' | 'POST',
    path: string,
    body?: object,
    auth: Record<string, string> = { authorization: `Bearer ${token}` },
  ) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...auth },
      body: body && JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const cli = async (...args: string[]): Promise<{ code: number | null; output: string }> => {
    const running = runCompiled(
      'scripts/dlq.js',
      { DATABASE_URL: backing.db.url, REDIS_URL: backing.redis.url, REDIS_PREFIX: backing.redis.prefix, LOG_LEVEL: 'warn' },
      args,
    );
    return { code: await running.exited, output: running.output() };
  };
  /** Processes a batch through the aggregator and waits for its result. */
  const aggregate = async (batch: EventBatchJob): Promise<{ applied: number; refused: number }> => {
    const job = await events.add('batch', batch);
    return (await job.waitUntilFinished(queueEvents, 30_000)) as { applied: number; refused: number };
  };

  beforeAll(async () => {
    backing = await createBacking();
    const connection = { url: backing.redis.url };
    events = new Queue(QueueName.Events, { connection, prefix: backing.redis.queuePrefix });
    deadLetters = new Queue(QueueName.DeadLetter, { connection, prefix: backing.redis.queuePrefix });
    queueEvents = new QueueEvents(QueueName.Events, { connection, prefix: backing.redis.queuePrefix });
    await queueEvents.waitUntilReady();
    aggregator = await NestFactory.createApplicationContext(
      AggregatorModule.forRoot(
        loadConfig(AggregatorConfig, {
          DATABASE_URL: backing.db.url,
          REDIS_URL: backing.redis.url,
          REDIS_PREFIX: backing.redis.prefix,
          LOG_LEVEL: 'silent',
          AGGREGATOR_METRICS_PORT: '0',
        }),
      ),
      { logger: false },
    );
    await aggregator.init();
    gateway = await startGateway(backing);
    token = await login(gateway);
  });

  afterAll(async () => {
    await queueEvents?.close();
    await events?.close();
    await deadLetters?.close();
    await gateway?.close();
    await aggregator?.close();
    await backing?.close();
  });

  it('counts a dead-lettered event exactly once once its cause is fixed, however often it is redriven', async () => {
    const before = await lateAt('522');
    // The commune is not in the unit tree yet: its event is refused, the other one counts.
    expect(
      await aggregate({
        sourceId: 'dvc-51',
        stream: 'dossiers',
        events: [lateDossier('late-1', '21001'), lateDossier('late-new', NEW_COMMUNE)],
      }),
    ).toEqual({ applied: 1, refused: 1 });
    expect(await lateAt('522')).toBe((before ?? 0) + 1);

    const listed = await api('GET', `/admin/dead-letters?source=dvc-51&reason=${encodeURIComponent('unit')}&stage=aggregator`);
    expect(listed.status).toBe(200);
    const { total, entries } = listed.body as unknown as DeadLetterList;
    expect(total).toBe(1);
    expect(entries[0]).toMatchObject({ stage: 'aggregator', sourceId: 'dvc-51', redrivable: true, raw: { idempotencyKey: 'late-new' } });
    const id = entries[0]!.id;
    expect((await api('GET', `/admin/dead-letters/${id}`)).body).toMatchObject({ id, reason: entries[0]!.reason });
    expect((await api('GET', '/admin/dead-letters?from=2000-01-01&to=2000-01-02')).body).toMatchObject({ total: 0 });
    expect((await api('GET', '/admin/dead-letters?from=yesterday')).status).toBe(400);

    // Redriven before the fix: refused again, back in the dead-letter queue, nothing counted.
    const early = await api('POST', '/admin/dead-letters/redrive', { ids: [id] });
    expect(early.body).toMatchObject({ redriven: 1, skipped: [] });
    await waitFor(async () => ((await deadLetters.getJob(id)) ? true : undefined), 20_000, 'the event dead-lettered again');
    expect(await lateAt('522')).toBe((before ?? 0) + 1);

    // The fix: the commune joins the tree (the aggregator reloads its catalog).
    const sibling = await backing.prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '21001' }, include: { parent: true } });
    await backing.prisma.administrativeUnit.create({
      data: {
        code: NEW_COMMUNE,
        name: 'Xã Mới',
        kind: sibling.kind,
        tier: sibling.tier,
        parentId: sibling.parentId,
        path: `${sibling.parent!.path}${NEW_COMMUNE}/`,
        depth: sibling.depth,
        validFrom: new Date('2020-01-01T00:00:00+07:00'),
      },
    });
    await aggregator.get(CatalogService).reload();

    const redriven = await api('POST', '/admin/dead-letters/redrive', { source: 'dvc-51', reason: 'unit' });
    expect(redriven.body).toMatchObject({ redriven: 1 });
    await waitFor(async () => ((await lateAt(NEW_COMMUNE)) === 1 ? true : undefined), 20_000, 'the redriven event counted');
    expect(await deadLetters.getJob(id)).toBeUndefined();

    // The same event once more (a redrive repeated after a crash, or replayed by hand): a duplicate, counted nowhere.
    expect(await aggregate({ sourceId: 'dvc-51', stream: 'dossiers', events: [lateDossier('late-new', NEW_COMMUNE)] })).toEqual({
      applied: 0,
      refused: 0,
    });
    expect(await lateAt(NEW_COMMUNE)).toBe(1);
    expect(await lateAt('522')).toBe((before ?? 0) + 2);

    const audit = await backing.prisma.auditLog.findMany({ where: { action: 'dead_letters.redrive' }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => [row.actorType, row.entityId])).toEqual([
      ['USER', `ids:${id}`],
      ['USER', 'sourceId=dvc-51 reason=unit'],
    ]);
  });

  it('is for admins only, refuses an empty redrive or purge, and purges what the filter names', async () => {
    expect((await api('GET', '/admin/dead-letters', undefined, {})).status).toBe(401);
    expect((await api('GET', '/admin/dead-letters', undefined, { 'x-api-key': PROVINCE_KEY })).status).toBe(403);
    expect((await api('POST', '/admin/dead-letters/purge', {})).status).toBe(400);
    expect((await api('POST', '/admin/dead-letters/purge', { ids: 'x' })).status).toBe(400);
    expect((await api('GET', '/admin/dead-letters/no-such-id')).status).toBe(404);

    await aggregate({ sourceId: 'his-51', stream: 'visits', events: [{ idempotencyKey: 'bad-1', unitCode: 'nowhere' } as never] });
    await deadLetters.add(
      'refused',
      {
        reason: 'record 3: so_hieu missing',
        fields: ['so_hieu'],
        sourceId: 'ioffice-51',
        stream: 'documents',
        stage: 'connector',
        raw: { id: 3 },
        at: new Date().toISOString(),
      },
      { jobId: 'connector-1' },
    );
    // A raw record cannot be redriven: it says so.
    expect((await api('POST', '/admin/dead-letters/redrive', { ids: ['connector-1'] })).body).toMatchObject({
      redriven: 0,
      skipped: [{ id: 'connector-1' }],
    });

    expect((await api('POST', '/admin/dead-letters/purge', { source: 'his-51' })).body).toEqual({ purged: 1 });
    expect(((await api('GET', '/admin/dead-letters')).body as unknown as DeadLetterList).entries.map((e) => e.id)).toEqual(['connector-1']);
    expect(await backing.prisma.auditLog.count({ where: { action: 'dead_letters.purge' } })).toBe(1);
  });

  it('does the same from the command line (npm run dlq)', async () => {
    const list = await cli('list', '--stage', 'connector', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.output)).toMatchObject({ total: 1, entries: [{ id: 'connector-1', redrivable: false }] });
    const text = await cli('list');
    expect(text.output).toContain('1 dead letter(s)');
    expect(text.output).toContain('connector-1');

    const shown = await cli('show', 'connector-1');
    expect(shown.code).toBe(0);
    expect(shown.output).toContain('so_hieu missing');
    expect((await cli('show', 'nope')).output).toContain('dlq: no dead letter nope');

    const bad = await cli('list', '--from', 'last week');
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--from: "last week" is not an ISO-8601 date');
    const unknown = await cli('explode');
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('unknown command "explode"');
    expect((await cli('purge')).output).toContain('purge needs ids, a filter, or --all');

    const redrive = await cli('redrive', 'connector-1');
    expect(redrive.output).toContain('redrove 0 event(s)');
    expect(redrive.output).toContain('skipped connector-1: refused at the connector stage');
    const purge = await cli('purge', '--source', 'ioffice-51');
    expect(purge.code).toBe(0);
    expect(purge.output).toContain('purged 1 dead letter(s)');
    expect(await deadLetters.getJob('connector-1')).toBeUndefined();
    const audit = await backing.prisma.auditLog.findFirstOrThrow({ where: { action: 'dead_letters.purge', actorType: 'SYSTEM' } });
    expect(audit.actorId).toMatch(/^cli:/);
  });
});
