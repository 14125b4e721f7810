import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Queue } from 'bullmq';
import { type EventBatchJob, QueueName } from '@ioc/contracts';
import { connectorsEnv, createSource, startConnectors, type RunningConnectors } from '../support';
import {
  type Backing,
  connect,
  createBacking,
  type LiveClient,
  login,
  type RunningGateway,
  startGateway,
} from '../gateway/gateway-harness';

jest.setTimeout(120_000);

const SECRET = 'fuzz-push-secret-0123456789';
const sign = (body: string, timestamp: number): string =>
  `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
/** JSON values of bounded size: fuzzing looks for wrong answers, not for the body limit (tested on its own). */
const json = (maxDepth: number) => fc.jsonValue({ maxDepth });

interface OpenApiOperation {
  operationId: string;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  parameters?: { name: string; in: string }[];
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

/**
 * Property-based fuzzing (fast-check) of every input surface: push ingest, every REST operation of
 * the OpenAPI document with a body or a query, and every client socket message. Whatever arrives:
 * never a 5xx, the process keeps answering, and a refused request changes nothing.
 */
describe('fuzzing every input (issue 13 deliverable 7)', () => {
  let backing: Backing;
  let gateway: RunningGateway;
  let connectors: RunningConnectors;
  let admin: string;

  beforeAll(async () => {
    backing = await createBacking();
    [gateway, connectors] = await Promise.all([
      startGateway(backing, { HTTP_RATE_LIMIT_PER_MIN: '1000000', LIVE_MAX_MESSAGES_PER_10S: '100000' }),
      startConnectors(connectorsEnv(backing.db, backing.redis)),
    ]);
    admin = await login(gateway);
  });

  afterAll(async () => {
    await Promise.all([gateway?.close(), connectors?.close()]);
    await backing?.close();
  });

  it('push ingest: any signed body gets 202 with one verdict per event, or a 4xx that queues nothing', async () => {
    const source = await createSource(connectors.url, {
      name: 'fuzz',
      connectorType: 'push',
      config: {},
      credentials: { hmacSecret: SECRET },
    });
    const url = `${connectors.url}/ingest/${source.body.id as string}`;
    const iso = fc
      .date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-06-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
    const event = fc.record(
      {
        idempotencyKey: fc.oneof(fc.uuid(), fc.string({ maxLength: 300 })),
        unitCode: fc.constantFrom('522', '21001', '51', '526', '99999', ''),
        occurredAt: fc.oneof(iso, fc.constant(new Date().toISOString()), fc.string({ maxLength: 30 })),
        kind: fc.constantFrom('visits.recorded', 'dossier.received', 'beds.occupancy', 'weather.observed', 'Bad Kind'),
        kindClass: fc.constantFrom('fact', 'gauge', 'counter'),
        values: fc.dictionary(
          fc.constantFrom('count', 'occupied', 'beds', 'other'),
          fc.oneof(fc.integer({ min: -10, max: 2_000_000 }), fc.double(), json(1)),
        ),
        attributes: fc.dictionary(fc.string({ maxLength: 12 }), json(2)),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          stream: fc.oneof(fc.constant('visits'), fc.string({ maxLength: 70 })),
          events: fc.array(fc.oneof(event, json(3)), { maxLength: 6 }),
        }),
      },
      { weight: 1, arbitrary: json(4) },
    );
    const { redis } = backing;
    const events = new Queue<EventBatchJob>(QueueName.Events, { connection: { url: redis.url }, prefix: redis.queuePrefix });
    const letters = new Queue(QueueName.DeadLetter, { connection: { url: redis.url }, prefix: redis.queuePrefix });
    const jobStates = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'paused'] as const;
    const state = async (): Promise<{ keys: Set<string>; letters: number }> => ({
      keys: new Set((await events.getJobs([...jobStates])).flatMap((job) => job.data.events.map((e) => e.idempotencyKey))),
      letters: Object.values(await letters.getJobCounts(...jobStates)).reduce((sum, n) => sum + n, 0),
    });

    await fc.assert(
      fc.asyncProperty(body, async (candidate) => {
        const text = JSON.stringify(candidate);
        const before = await state();
        const timestamp = Math.floor(Date.now() / 1000);
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-ioc-signature': sign(text, timestamp), 'x-ioc-timestamp': String(timestamp) },
          body: text,
        });
        const answer = (await response.json()) as {
          message?: string;
          accepted?: number;
          deadLettered?: number;
          results?: { status: string; idempotencyKey?: string }[];
        };
        if (response.status === 202) {
          const events = (candidate as { events: unknown[] }).events;
          expect(answer.results).toHaveLength(events.length);
          expect(answer.accepted! + answer.deadLettered!).toBe(events.length);
          expect(answer.results!.filter((r) => r.status === 'accepted')).toHaveLength(answer.accepted!);
          // Queued and dead-lettered as answered (a re-sent identical event is the same job, so counts grow by at most that much).
          const after = await state();
          for (const result of answer.results!) if (result.status === 'accepted') expect(after.keys.has(result.idempotencyKey!)).toBe(true);
          expect(after.keys.size - before.keys.size).toBeLessThanOrEqual(answer.accepted!);
          expect(after.letters - before.letters).toBeLessThanOrEqual(answer.deadLettered!);
          if (answer.accepted === 0) expect(after.keys.size).toBe(before.keys.size);
        } else {
          // 400: not an ingest request; 401 only for the same body signed twice in one second (a replay).
          expect(response.status === 400 || (response.status === 401 && /replayed/.test(answer.message ?? ''))).toBe(true);
          expect(await state()).toEqual(before);
        }
      }),
      { numRuns: 80 },
    );
    await Promise.all([events.close(), letters.close()]);
  });

  it('REST: every operation with a body or a query answers any input with < 500, and a refusal changes nothing', async () => {
    const document = (await (await fetch(`${gateway.url}/docs-json`)).json()) as OpenApiDocument;
    const { prisma } = backing;
    // Every table a REST call could change, read in one round trip (audit rows of refusals are not a change).
    const snapshot = async (): Promise<unknown> =>
      prisma.$queryRaw`SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM api_keys) AS keys, (SELECT count(*) FROM alert_rules) AS rules,
        (SELECT count(*) FROM silences) AS silences, (SELECT count(*) FROM dashboards) AS dashboards, (SELECT count(*) FROM indicator_definitions) AS indicators,
        (SELECT count(*) FROM targets) AS targets, (SELECT count(*) FROM push_subscriptions) AS subscriptions, (SELECT count(*) FROM alert_comments) AS comments,
        (SELECT count(*) FROM audit_logs WHERE action NOT LIKE '%.refused') AS audited`;
    const concrete = (path: string): string =>
      path.replace(/\{([^}]+)\}/g, (_m, name: string) => (/id$/i.test(name) ? randomUUID() : /code/i.test(name) ? '522' : 'fuzz'));
    let operations = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const ref = operation.requestBody?.content['application/json']?.schema.$ref;
        const fields = ref ? Object.keys(document.components.schemas[ref.split('/').pop()!]?.properties ?? {}) : [];
        const queries = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        if (!operation.requestBody && queries.length === 0) continue;
        if (path === '/auth/login') continue; // throttled to 10 a minute by design; LoginDto is fuzzed through bad-input.spec and the socket-free DTO checks
        operations += 1;
        const body =
          fields.length > 0 ? fc.oneof(fc.dictionary(fc.constantFrom(...fields), json(3), { maxKeys: fields.length }), json(3)) : json(3);
        const query = fc.dictionary(
          fc.constantFrom(...(queries.length > 0 ? queries : ['x'])),
          fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('522', 'true', '2026-11-20T00:00:00Z', 'doc.processed_online_pct')),
        );
        await fc.assert(
          fc.asyncProperty(body, query, async (payload, params) => {
            const before = await snapshot();
            const search = new URLSearchParams(params as Record<string, string>).toString();
            const response = await fetch(`${gateway.url}${concrete(path)}${search ? `?${search}` : ''}`, {
              method: method.toUpperCase(),
              headers: { authorization: `Bearer ${admin}`, ...(operation.requestBody ? { 'content-type': 'application/json' } : {}) },
              body: operation.requestBody ? JSON.stringify(payload) : undefined,
            });
            const text = await response.text();
            expect({
              operation: operation.operationId,
              status: response.status < 500 ? 'below 500' : `${response.status} ${text}`,
            }).toEqual({ operation: operation.operationId, status: 'below 500' });
            if (response.status >= 400)
              expect({ operation: operation.operationId, state: await snapshot() }).toEqual({
                operation: operation.operationId,
                state: before,
              });
          }),
          { numRuns: 8 },
        );
      }
    }
    expect(operations).toBeGreaterThan(15);
  });

  it('socket: any message payload gets an answer (ack or nothing), never a disconnect or a crash', async () => {
    const client: LiveClient = connect(gateway, { token: admin });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    let disconnected = false;
    client.on('disconnect', () => {
      disconnected = true;
    });
    type Ack = { ok: boolean };
    const emitWithAck = (event: 'subscribe' | 'alert:ack', payload: unknown): Promise<Ack> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${event} ${JSON.stringify(payload)}`)), 5_000);
        client.emit(event, payload as never, (ack: Ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
      });
    const message = fc.oneof(
      json(4),
      fc.record(
        {
          indicators: fc.array(fc.string({ maxLength: 70 }), { maxLength: 3 }),
          units: fc.array(fc.constantFrom('522', '51', 'x'), { maxLength: 3 }),
          positions: json(2),
          dashboard: json(1),
        },
        { requiredKeys: [] },
      ),
      fc.record({ alertId: fc.oneof(fc.uuid(), json(1)), note: json(1) }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('subscribe', 'alert:ack', 'unsubscribe'), message, async (event, payload) => {
        if (event === 'unsubscribe') client.emit('unsubscribe', payload as never);
        else expect(typeof (await emitWithAck(event, payload)).ok).toBe('boolean');
        expect(disconnected).toBe(false);
      }),
      { numRuns: 150 },
    );
    expect(await emitWithAck('subscribe', { indicators: ['doc.processed_online_pct'], units: ['522'] })).toMatchObject({ ok: true });
    client.disconnect();
  });
});
