import { createHmac } from 'node:crypto';
import { fromSourceEventRow, type PrismaClient } from '@ioc/persistence';
import {
  connectorsEnv,
  createSource,
  createTestDatabase,
  createTestRedis,
  deadLetters,
  queuedEvents,
  seededPrisma,
  startConnectors,
  waitFor,
  type RunningConnectors,
  type TestDatabase,
  type TestRedis,
} from '../support';

const SECRET = 'push-test-secret-0123456789';

const sign = (body: string, timestamp: number, secret = SECRET): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

jest.setTimeout(90_000);

describe('push ingestion (POST /ingest/:sourceId)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaClient;
  let connectors: RunningConnectors;
  let sourceId: string;

  beforeAll(async () => {
    [database, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    prisma = await seededPrisma(database);
    connectors = await startConnectors(connectorsEnv(database, redis));
    const created = await createSource(connectors.url, {
      name: 'LGSP push',
      connectorType: 'push',
      config: {},
      credentials: { hmacSecret: SECRET },
    });
    expect(created.status).toBe(201);
    sourceId = created.body.id as string;
  });

  afterAll(async () => {
    await connectors?.close();
    await prisma?.$disconnect();
    await redis?.cleanup();
    await database?.drop();
  });

  it('answers GET /health with Postgres and Redis up (the probes of a replica)', async () => {
    const response = await fetch(`${connectors.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', details: { postgres: { status: 'up' }, redis: { status: 'up' } } });
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${connectors.url}/ingest/${sourceId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  const event = (id: string, extra: Record<string, unknown> = {}) => ({
    idempotencyKey: `lgsp:${id}`,
    unitCode: '21025',
    occurredAt: '2026-11-20T09:30:00+07:00',
    kind: 'dossier.received',
    kindClass: 'fact',
    values: { count: 1 },
    attributes: { channel: 'online' },
    ...extra,
  });

  it('queues valid events, dead-letters invalid ones with the reason, and refuses a replay with 401', async () => {
    const body = JSON.stringify({ stream: 'dossiers', events: [event('a'), event('b'), event('c', { values: { count: 'one' } })] });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'x-ioc-signature': sign(body, timestamp), 'x-ioc-timestamp': String(timestamp) };

    const accepted = await post(body, headers);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({
      accepted: 2,
      deadLettered: 1,
      results: [
        { index: 0, status: 'accepted', idempotencyKey: 'lgsp:a' },
        { index: 1, status: 'accepted', idempotencyKey: 'lgsp:b' },
        {
          index: 2,
          status: 'rejected',
          reason: expect.stringMatching(/^values.count: must be a finite number from 0 to 1000000/) as string,
          fields: ['values.count'],
        },
      ],
    });
    const queued = await queuedEvents(redis);
    expect([...queued.byKey.keys()].sort()).toEqual(['lgsp:a', 'lgsp:b']);
    // Kept in source_events exactly as accepted (the record recompute and reconciliation read).
    const stored = await prisma.sourceEvent.findMany({ where: { sourceId }, orderBy: { idempotencyKey: 'asc' } });
    expect(stored.map(fromSourceEventRow)).toEqual(
      ['lgsp:a', 'lgsp:b'].map((key) => ({ ...event(key.slice(5)), sourceId, stream: 'dossiers', occurredAt: '2026-11-20T02:30:00.000Z' })),
    );
    expect(queued.byKey.get('lgsp:a')).toMatchObject({ sourceId, stream: 'dossiers' });
    const letters = await waitFor(async () => ((await deadLetters(redis)).length === 1 ? deadLetters(redis) : undefined));
    expect(letters[0]).toMatchObject({ sourceId, stream: 'dossiers', stage: 'ingest', fields: ['values.count'] });
    expect(letters[0]!.reason).toMatch(/values.count: must be a finite number/);

    const replay = await post(body, headers);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { message: string }).message).toMatch(/replayed request refused/);
    expect((await prisma.source.findUniqueOrThrow({ where: { id: sourceId } })).deadLetterCount).toBe(1);
  });

  it("answers each event with the aggregator's verdict: huge, negative, future, old and polluting events rejected with the reason (issue 13)", async () => {
    const now = Date.now();
    const iso = (ms: number): string => new Date(ms).toISOString();
    const events = [
      event('ok', { occurredAt: iso(now - 60_000) }),
      event('huge', { values: { count: 1e308 } }),
      event('negative', { values: { count: -3 } }),
      event('future-6min', { occurredAt: iso(now + 6 * 60_000) }),
      event('future-23h', { occurredAt: iso(now + 23 * 3_600_000) }),
      event('ancient', { occurredAt: '2020-01-01T00:00:00Z' }),
      event('unread-kind', { kind: 'dossier.unheard_of' }),
    ];
    const body = JSON.stringify({ stream: 'dossiers', events });
    const timestamp = Math.floor(now / 1000);
    const response = await post(body, { 'x-ioc-signature': sign(body, timestamp), 'x-ioc-timestamp': String(timestamp) });
    expect(response.status).toBe(202);
    const answer = (await response.json()) as {
      accepted: number;
      deadLettered: number;
      results: { status: string; fields?: string[]; reason?: string }[];
    };
    expect(answer).toMatchObject({ accepted: 1, deadLettered: 6 });
    expect(answer.results.map((r) => [r.status, r.fields])).toEqual([
      ['accepted', undefined],
      ['rejected', ['values.count']],
      ['rejected', ['values.count']],
      ['rejected', ['occurredAt']],
      ['rejected', ['occurredAt']],
      // 2020 is both past the horizon and before the commune was formed (2025-07-01).
      ['rejected', ['occurredAt', 'unitCode']],
      ['rejected', ['kind']],
    ]);
    expect(answer.results[1]!.reason).toContain('got 1e+308');
    expect(answer.results[3]!.reason).toContain('in the future');
    expect(answer.results[5]!.reason).toContain('older than the deduplication horizon');
    const queued = await queuedEvents(redis);
    expect(queued.byKey.has('lgsp:ok')).toBe(true);
    expect(queued.byKey.has('lgsp:huge')).toBe(false);
  });

  it('refuses a bad signature, a stale timestamp and missing headers with 401 and says why', async () => {
    const body = JSON.stringify({ stream: 'dossiers', events: [event('d')] });
    const now = Math.floor(Date.now() / 1000);

    const forged = await post(body, { 'x-ioc-signature': sign(body, now, 'another-secret-entirely'), 'x-ioc-timestamp': String(now) });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { message: string }).message).toMatch(/signature does not match/);

    const tampered = await post(body.replace('21025', '21211'), { 'x-ioc-signature': sign(body, now), 'x-ioc-timestamp': String(now) });
    expect(tampered.status).toBe(401);

    const stale = now - 3600;
    const old = await post(body, { 'x-ioc-signature': sign(body, stale), 'x-ioc-timestamp': String(stale) });
    expect(old.status).toBe(401);
    expect(((await old.json()) as { message: string }).message).toMatch(
      /x-ioc-timestamp is 36\d\d s away from the server clock \(at most 300 s\)/,
    );

    const unsigned = await post(body, {});
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { message: string }).message).toMatch(/x-ioc-timestamp/);

    expect([...(await queuedEvents(redis)).byKey.keys()]).not.toContain('lgsp:d');
  });
});
