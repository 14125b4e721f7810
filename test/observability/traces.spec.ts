import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import {
  createTestDatabase,
  createTestRedis,
  startStack,
  waitFor,
  type RunningProcess,
  type TestDatabase,
  type TestRedis,
} from '../support';

jest.setTimeout(150_000);

interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  links: { traceId: string; spanId: string }[];
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; links?: { traceId: string; spanId: string }[] }[];
    }[];
  }[];
}

/** An OTLP/HTTP JSON receiver, as a collector would be: every span exported to POST /v1/traces. */
async function startReceiver(): Promise<{ server: Server; url: string; spans: ExportedSpan[] }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        for (const resource of (JSON.parse(body) as OtlpJson).resourceSpans ?? []) {
          const service = resource.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of resource.scopeSpans ?? [])
            for (const span of scope.spans ?? [])
              spans.push({ service, ...span, parentSpanId: span.parentSpanId ?? '', links: span.links ?? [] });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

/** The chain pull → batch → publish → emit, each span the child of the one before, in one trace. */
function pipelineTrace(spans: ExportedSpan[]): ExportedSpan[] | undefined {
  const childOf = (parent: ExportedSpan, name: string) =>
    spans.find((s) => s.name === name && s.traceId === parent.traceId && s.parentSpanId === parent.spanId);
  for (const emit of spans.filter((s) => s.name === 'live.emit')) {
    const publish = spans.find((s) => s.name === 'indicators.publish' && s.spanId === emit.parentSpanId);
    const batch = publish && spans.find((s) => s.name === 'aggregate.batch' && s.spanId === publish.parentSpanId);
    const pull = batch && spans.find((s) => s.name === 'source.pull' && s.spanId === batch.parentSpanId);
    if (pull && batch && publish && childOf(pull, 'aggregate.batch') && childOf(publish, 'live.emit')) return [pull, batch, publish, emit];
  }
  return undefined;
}

describe('traces across the pipeline (OpenTelemetry, OTLP/HTTP)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let stack: RunningProcess | undefined;
  let client: Socket | undefined;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    redis = await createTestRedis();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    client?.disconnect();
    await stack?.stop('SIGTERM');
    receiver.server.close();
    await redis.cleanup();
    await db.drop();
  });

  it("follows one simulated record from the connector's pull through the queue, the aggregator's batch and publish, to the gateway's emit", async () => {
    const password = 'traces admin password';
    const started = await startStack(db, redis, {
      GATEWAY_METRICS_PORT: '0',
      AGGREGATOR_METRICS_PORT: '0',
      CONNECTORS_METRICS_PORT: '0',
      SEED_ADMIN_PASSWORD: password,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    stack = started.process;
    const base = started.url;
    const token = await waitFor(
      async () => {
        const response = await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password }),
        }).catch(() => undefined);
        return response?.status === 201 || response?.status === 200
          ? ((await response.json()) as { accessToken: string }).accessToken
          : undefined;
      },
      90_000,
      'the gateway to accept the admin login',
    );
    const indicators = (
      (await (await fetch(`${base}/indicators`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string }[]
    ).map((i) => i.id);
    const socket = io(`${base}/live`, { auth: { token }, transports: ['websocket'], forceNew: true });
    client = socket;
    let updates = 0;
    socket.on('update', () => (updates += 1));
    socket.on('updates', (batch) => (updates += batch.length));
    const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('subscribe', { indicators, units: ['51'] }, resolve));
    expect(ack).toMatchObject({ ok: true });

    const chain = await waitFor(async () => pipelineTrace(receiver.spans), 120_000, 'a trace from a pull to an emit');
    expect(chain.map((span) => [span.service, span.name])).toEqual([
      ['connectors', 'source.pull'],
      ['aggregator', 'aggregate.batch'],
      ['aggregator', 'indicators.publish'],
      ['gateway', 'live.emit'],
    ]);
    expect(new Set(chain.map((span) => span.traceId)).size).toBe(1);
    // The display subscribed above gets the updates those emits carry.
    await waitFor(async () => (updates > 0 ? true : undefined), 60_000, 'an update on the subscribed display');
  });
});
