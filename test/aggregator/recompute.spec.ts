import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Queue, QueueEvents } from 'bullmq';
import { type EventBatchJob, type NormalizedEvent, QueueName } from '@ioc/contracts';
import { loadConfig } from '@ioc/config';
import { AppModule as AggregatorModule } from '../../apps/aggregator/src/app.module';
import { CLOCK } from '../../apps/aggregator/src/clock/clock';
import { AggregatorConfig } from '../../apps/aggregator/src/config/aggregator-config';
import { HistoryService } from '../../apps/aggregator/src/history/history.service';
import { createBacking, login, PROVINCE_KEY, startGateway, type Backing, type RunningGateway } from '../gateway/gateway-harness';
import { runCompiled } from '../support';

jest.setTimeout(180_000);

const at = (local: string): Date => new Date(`${local}+07:00`);
const lastMsBefore = (local: string): Date => new Date(at(local).getTime() - 1);

interface Row {
  indicatorId: string;
  unitCode: string;
  resolution: string;
  bucketStart: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** A working day of dossiers and documents in a few communes and an agency (deterministic). */
function workingDay(sourceId: string, units: string[]): NormalizedEvent[] {
  const events: NormalizedEvent[] = [];
  for (let i = 0; i < 240; i += 1) {
    const unitCode = units[i % units.length]!;
    const occurredAt = new Date(at('2026-11-20T07:30:00').getTime() + i * 127_000).toISOString();
    const common = { sourceId, stream: 'dossiers', unitCode, occurredAt, kindClass: 'fact' as const, values: {} };
    if (i % 3 === 0)
      events.push({
        ...common,
        idempotencyKey: `rcv-${i}`,
        kind: 'dossier.received',
        attributes: { channel: i % 2 ? 'online' : 'direct' },
      });
    else if (i % 3 === 1)
      events.push({ ...common, idempotencyKey: `res-${i}`, kind: 'dossier.resolved', attributes: { onTime: i % 5 !== 1 } });
    else
      events.push({
        ...common,
        stream: 'documents',
        idempotencyKey: `doc-${i}`,
        kind: 'document.issued',
        attributes: { signed: i % 4 !== 2 },
      });
  }
  return events;
}

describe('recomputing a past period from source_events (CLI and REST) gives the live history back', () => {
  let backing: Backing;
  let aggregator: INestApplicationContext;
  let gateway: RunningGateway;
  const clock = { current: at('2026-11-20T16:59:59.999'), now: () => clock.current };
  let live: Row[];

  const rows = async (where: object = {}): Promise<Row[]> =>
    (await backing.prisma.indicatorSnapshot.findMany({ where, include: { unit: { select: { code: true } } } }))
      .map((r) => ({
        indicatorId: r.indicatorId,
        unitCode: r.unit.code,
        resolution: r.resolution,
        bucketStart: r.bucketStart.toISOString(),
        value: r.value,
        numerator: r.numerator,
        denominator: r.denominator,
      }))
      .sort((a, b) =>
        `${a.indicatorId}|${a.unitCode}|${a.resolution}|${a.bucketStart}`.localeCompare(
          `${b.indicatorId}|${b.unitCode}|${b.resolution}|${b.bucketStart}`,
        ),
      );
  const key = (r: Row): string => `${r.indicatorId}|${r.unitCode}|${r.resolution}|${r.bucketStart}`;
  const cli = async (...args: string[]) => {
    const running = runCompiled(
      'scripts/recompute.js',
      { DATABASE_URL: backing.db.url, REDIS_URL: backing.redis.url, REDIS_PREFIX: backing.redis.prefix },
      args,
    );
    return { code: await running.exited, output: running.output() };
  };

  beforeAll(async () => {
    backing = await createBacking();
    const config = loadConfig(AggregatorConfig, {
      DATABASE_URL: backing.db.url,
      REDIS_URL: backing.redis.url,
      REDIS_PREFIX: backing.redis.prefix,
      LOG_LEVEL: 'silent',
      AGGREGATOR_METRICS_PORT: '0',
      // Timers off: the test snapshots at the instants it chooses.
      AGGREGATOR_PUBLISH_INTERVAL_MS: '3600000',
      AGGREGATOR_PUBLISH_ON_CHANGE: 'false',
      AGGREGATOR_SNAPSHOT_INTERVAL_MS: '3600000',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AggregatorModule.forRoot(config)] })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    aggregator = await moduleRef.init();
    gateway = await startGateway(backing);

    // The live path: the connectors store each event in source_events and queue it; the aggregator
    // counts it; the history is snapshotted at the end of the 16:00 hour and at the end of the day.
    const source = await backing.prisma.source.create({
      data: { name: 'DVC', connectorType: 'dvc', connectorVersion: '1', config: {}, schedule: 'every:60000' },
    });
    const events = workingDay(source.id, ['21001', '21004', '21007', '51-STP']);
    await backing.prisma.sourceEvent.createMany({
      data: events.map((e) => ({
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
    const connection = { url: backing.redis.url };
    const queue = new Queue<EventBatchJob>(QueueName.Events, { connection, prefix: backing.redis.queuePrefix });
    const queueEvents = new QueueEvents(QueueName.Events, { connection, prefix: backing.redis.queuePrefix });
    await queueEvents.waitUntilReady();
    for (let i = 0; i < events.length; i += 50) {
      const job = await queue.add('batch', { sourceId: source.id, stream: 'dossiers', events: events.slice(i, i + 50) });
      expect(await job.waitUntilFinished(queueEvents, 30_000)).toMatchObject({ refused: 0 });
    }
    await queueEvents.close();
    await queue.close();
    const history = aggregator.get(HistoryService);
    await history.snapshot(clock.current);
    clock.current = lastMsBefore('2026-11-21T00:00:00');
    await history.snapshot(clock.current);
    live = await rows({ resolution: { in: ['HOUR', 'DAY'] } });
    // Hours 16 and 23 and the day, for every stream.
    expect(new Set(live.map((r) => `${r.resolution}|${r.bucketStart}`))).toEqual(
      new Set([
        `HOUR|${at('2026-11-20T16:00:00').toISOString()}`,
        `HOUR|${at('2026-11-20T23:00:00').toISOString()}`,
        `DAY|${at('2026-11-20T00:00:00').toISOString()}`,
      ]),
    );
    expect(live.find((r) => r.indicatorId === 'dossier.late' && r.unitCode === '51' && r.resolution === 'DAY')!.value).toBeGreaterThan(0);
    clock.current = at('2026-11-22T09:00:00');
  });

  afterAll(async () => {
    await gateway?.close();
    await aggregator?.close();
    await backing?.close();
  });

  it('npm run recompute rebuilds lost history equal to what the live path wrote, with progress', async () => {
    await backing.prisma.indicatorSnapshot.deleteMany({});
    const run = await cli('--from', '2026-11-20', '--to', '2026-11-21');
    expect(run.output).toContain('recompute [');
    expect(run.output).toMatch(
      /recomputed 25 bucket\(s\) of HOUR, DAY history from 2026-11-19T17:00:00.000Z to 2026-11-20T17:00:00.000Z: \d+ row\(s\) written/,
    );
    expect(run.code).toBe(0);
    const rebuilt = new Map((await rows()).map((r) => [key(r), r]));
    expect(rebuilt.size).toBeGreaterThan(live.length);
    // Freshness says when data arrived, which source_events do not keep: it is not recomputed.
    const recomputable = live.filter((r) => r.indicatorId !== 'source.freshness');
    expect(recomputable.map((r) => rebuilt.get(key(r)))).toEqual(recomputable);
    expect([...rebuilt.values()].some((r) => r.indicatorId === 'source.freshness')).toBe(false);
  });

  it('rebuilds one indicator for one subtree, following progress as JSON lines', async () => {
    await backing.prisma.indicatorSnapshot.deleteMany({});
    const run = await cli(
      '--from',
      '2026-11-20T00:00:00+07:00',
      '--to',
      '2026-11-21T00:00:00+07:00',
      '--indicator',
      'dossier.late',
      '--unit',
      '522',
      '--json',
    );
    expect(run.code).toBe(0);
    const lines = run.output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; done?: number; total?: number });
    // 24 instants (the last hour ends with the day), counted up.
    const progress = lines.slice(0, -1);
    expect(progress.every((line) => line.event === 'progress' && line.total === 24)).toBe(true);
    expect(progress.map((line) => line.done)).toEqual([...progress.map((line) => line.done!)].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ done: 24 });
    expect(lines.at(-1)).toMatchObject({ event: 'completed', buckets: 25 });
    const rebuilt = await rows();
    expect(new Set(rebuilt.map((r) => r.indicatorId))).toEqual(new Set(['dossier.late']));
    expect(rebuilt.some((r) => r.unitCode === '51')).toBe(false);
    const expected = live.filter((r) => r.indicatorId === 'dossier.late' && rebuilt.some((x) => x.unitCode === r.unitCode));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.map((r) => rebuilt.find((x) => key(x) === key(r)))).toEqual(expected);
  });

  it('explains bad calls', async () => {
    expect(await cli('--from', '2026-11-21', '--to', '2026-11-20')).toMatchObject({ code: 2 });
    const bad = await cli('--from', 'monday', '--to', '2026-11-20');
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--from: "monday" is not an ISO-8601 date');
    expect((await cli('--from', '2026-11-20', '--to', '2026-11-21', '--indicator', 'nope')).output).toContain(
      'recompute: no enabled indicator "nope"',
    );
    expect((await cli('--from', '2026-11-20', '--to', '2026-11-21', '--resolution', 'WEEK')).output).toContain(
      '--resolution: unknown WEEK',
    );
  });

  it('runs over REST for admins, with progress as server-sent events', async () => {
    const token = await login(gateway);
    const post = (body: object, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
      fetch(`${gateway.url}/admin/history/recompute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const period = { from: '2026-11-20T00:00:00+07:00', to: '2026-11-21T00:00:00+07:00' };
    expect((await post(period, {})).status).toBe(401);
    expect((await post(period, { 'x-api-key': PROVINCE_KEY })).status).toBe(403);
    expect((await post({ from: period.to, to: period.from })).status).toBe(400);
    expect((await post({ ...period, resolutions: ['WEEK'] })).status).toBe(400);
    expect((await post({ ...period, unit: 'nowhere' })).status).toBe(404);

    await backing.prisma.indicatorSnapshot.deleteMany({});
    const started = await post({ ...period, indicator: 'doc.signed_pct' });
    expect(started.status).toBe(201);
    const { jobId } = (await started.json()) as { jobId: string };
    const stream = await fetch(`${gateway.url}/admin/history/recompute/${jobId}/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const text = await stream.text();
    const types = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(types[0]).toBe('status');
    expect(types.at(-1)).toBe('completed');
    const status = (await (
      await fetch(`${gateway.url}/admin/history/recompute/${jobId}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ state: 'completed', progress: { done: 24, total: 24 }, result: { buckets: 25 } });

    const expected = live.filter((r) => r.indicatorId === 'doc.signed_pct');
    const rebuilt = new Map((await rows()).map((r) => [key(r), r]));
    expect(expected.map((r) => rebuilt.get(key(r)))).toEqual(expected);
    expect(await backing.prisma.auditLog.count({ where: { action: 'history.recompute', entityId: jobId } })).toBe(1);
  });
});
