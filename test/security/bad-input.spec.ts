import { createHmac } from 'node:crypto';
import { connectorsEnv, createSource, startConnectors, startSimulator, type RunningConnectors, type RunningSimulator } from '../support';
import {
  type Backing,
  connect,
  createBacking,
  type LiveClient,
  login,
  type RunningGateway,
  startGateway,
} from '../gateway/gateway-harness';

jest.setTimeout(90_000);

const SECRET = 'bad-input-secret-0123456789';
const MiB = 1024 * 1024;
const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const sign = (body: string, timestamp: number): string =>
  `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;

interface Answer {
  status: number;
  body: { statusCode?: number; message?: string | string[] };
  text: string;
}

/** Every refusal: the expected 4xx, a JSON body saying why, and no stack trace. */
function expectRefusal(answer: Answer, status: number, message: RegExp): void {
  expect({ status: answer.status, message: [answer.body.message].flat().join('; ') }).toEqual({
    status,
    message: expect.stringMatching(message) as string,
  });
  expect(answer.text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
}

async function send(url: string, init: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Answer> {
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body,
  });
  const text = await response.text();
  let body: Answer['body'] = {};
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = { message: `(not JSON) ${text.slice(0, 200)}` };
  }
  return { status: response.status, body, text };
}

describe('every bad request is a clear 4xx on every app (issue 13 finding 4)', () => {
  let backing: Backing;
  let gateway: RunningGateway;
  let connectors: RunningConnectors;
  let simulator: RunningSimulator;
  let admin: string;
  let ingestUrl: string;

  beforeAll(async () => {
    backing = await createBacking();
    [gateway, connectors, simulator] = await Promise.all([
      startGateway(backing),
      startConnectors(connectorsEnv(backing.db, backing.redis)),
      startSimulator(),
    ]);
    admin = await login(gateway);
    const created = await createSource(connectors.url, {
      name: 'push',
      connectorType: 'push',
      config: {},
      credentials: { hmacSecret: SECRET },
    });
    ingestUrl = `${connectors.url}/ingest/${created.body.id as string}`;
  });

  afterAll(async () => {
    await Promise.all([gateway?.close(), connectors?.close(), simulator?.close()]);
    await backing?.close();
  });

  const signed = (body: string, contentType = 'application/json'): Promise<Answer> => {
    const timestamp = Math.floor(Date.now() / 1000);
    return send(ingestUrl, {
      body,
      headers: { 'content-type': contentType, 'x-ioc-signature': sign(body, timestamp), 'x-ioc-timestamp': String(timestamp) },
    });
  };
  const event = {
    idempotencyKey: 'bad-input:1',
    unitCode: '522',
    occurredAt: new Date().toISOString(),
    kind: 'visits.recorded',
    kindClass: 'fact',
    values: { count: 1 },
  };

  describe('connectors: push ingest', () => {
    it('answers a 2 MiB body with 413 before parsing or checking the signature', async () => {
      const body = JSON.stringify({ stream: 'x', events: [{ note: 'x'.repeat(2 * MiB) }] });
      expectRefusal(await signed(body), 413, /over the 1048576-byte limit/);
    });

    it('answers a correctly signed push sent as text/plain with 415, not 401', async () => {
      const body = JSON.stringify({ stream: 'visits', events: [event] });
      expectRefusal(await signed(body, 'text/plain'), 415, /Content-Type must be application\/json \(got text\/plain\)/);
    });

    it.each([5_000, 100_000])('answers JSON nested %i levels with 400', async (levels) => {
      expectRefusal(await signed(`{"stream":"visits","events":${nested(levels)}}`), 400, /nested deeper than 32 levels/);
    });

    it("answers __proto__ in an event's attributes with 400 naming the path, and queues nothing", async () => {
      const body = `{"stream":"visits","events":[${JSON.stringify(event).slice(0, -1)},"attributes":{"__proto__":{"polluted":true}}}]}`;
      expectRefusal(await signed(body), 400, /"__proto__" is not allowed as a key .* at events\.0\.attributes\.__proto__/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('answers malformed JSON with 400', async () => {
      expectRefusal(await signed('{"stream": "visits", "events": [}'), 400, /Malformed JSON/);
    });
  });

  describe('gateway: REST', () => {
    const bearer = (): Record<string, string> => ({ authorization: `Bearer ${admin}` });

    it('answers a 1 MB login password with 413, and a 10 kB one with 400 naming the field', async () => {
      expectRefusal(
        await send(`${gateway.url}/auth/login`, { body: JSON.stringify({ username: 'admin', password: 'p'.repeat(1_000_000) }) }),
        413,
        /over the 102400-byte limit/,
      );
      const long = await send(`${gateway.url}/auth/login`, { body: JSON.stringify({ username: 'admin', password: 'p'.repeat(10_000) }) });
      expectRefusal(long, 400, /password/);
    });

    it('answers a 5 MiB alert rule with 413', async () => {
      const body = JSON.stringify({
        name: 'x'.repeat(5 * MiB),
        kind: 'THRESHOLD_BELOW',
        indicatorId: 'doc.processed_online_pct',
        params: { threshold: 1 },
        severity: 'MINOR',
      });
      expectRefusal(await send(`${gateway.url}/alert-rules`, { body, headers: bearer() }), 413, /byte limit/);
    });

    it('answers a silence with 10,000 matchers with 413, and one with 21 with 400', async () => {
      const matchers = (n: number) => Array.from({ length: n }, () => ({ name: 'unitCode', value: '522' }));
      const endsAt = new Date(Date.now() + 3_600_000).toISOString();
      expectRefusal(
        await send(`${gateway.url}/silences`, { body: JSON.stringify({ matchers: matchers(10_000), endsAt }), headers: bearer() }),
        413,
        /byte limit/,
      );
      expectRefusal(
        await send(`${gateway.url}/silences`, { body: JSON.stringify({ matchers: matchers(21), endsAt }), headers: bearer() }),
        400,
        /matchers/,
      );
      expect(await backing.prisma.silence.count()).toBe(0);
    });

    it('answers JSON nested 5,000 levels with 400 and 100,000 levels (200 kB) with 413, authenticated or not', async () => {
      expectRefusal(
        await send(`${gateway.url}/auth/login`, { body: `{"username":${nested(5_000)}}` }),
        400,
        /nested deeper than 32 levels/,
      );
      expectRefusal(
        await send(`${gateway.url}/alert-rules`, { body: `{"params":${nested(5_000)}}`, headers: bearer() }),
        400,
        /nested deeper than 32 levels/,
      );
      expectRefusal(
        await send(`${gateway.url}/auth/login`, { body: `{"username":${nested(100_000)}}` }),
        413,
        /over the 102400-byte limit/,
      );
      expectRefusal(
        await send(`${gateway.url}/alert-rules`, { body: `{"params":${nested(100_000)}}`, headers: bearer() }),
        413,
        /over the 102400-byte limit/,
      );
    });

    it('answers prototype keys anywhere in a body with 400, and text/plain with 415', async () => {
      const rule =
        '{"name":"x","kind":"THRESHOLD_BELOW","indicatorId":"doc.processed_online_pct","severity":"MINOR","params":{"threshold":1,"constructor":{"name":"x"}}}';
      expectRefusal(
        await send(`${gateway.url}/alert-rules`, { body: rule, headers: bearer() }),
        400,
        /"constructor" is not allowed .* at params\.constructor/,
      );
      expectRefusal(await send(`${gateway.url}/auth/login`, { body: '{"__proto__":{"admin":true}}' }), 400, /"__proto__" is not allowed/);
      expectRefusal(
        await send(`${gateway.url}/auth/login`, {
          body: 'username=admin',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        /application\/json/,
      );
      expect(await backing.prisma.alertRule.count()).toBe(0);
    });
  });

  describe('gateway: socket messages', () => {
    let client: LiveClient;
    beforeAll(async () => {
      client = connect(gateway, { token: admin });
      await new Promise<void>((resolve, reject) => {
        client.once('connect', resolve);
        client.once('connect_error', reject);
      });
    });
    afterAll(() => client?.disconnect());

    it('answers a deep or polluting message through the ack, and the connection stays usable', async () => {
      type Ack = { ok: boolean; error?: { code: string; message: string } };
      // socket.io-client itself recurses over what it sends, so the deepest it can emit is a few thousand levels.
      const deep = JSON.parse(`{"alertId":${nested(2_000)}}`) as never;
      const deepAck = await new Promise<Ack>((resolve) => client.emit('alert:ack', deep, resolve));
      expect(deepAck).toMatchObject({
        ok: false,
        error: { code: 'invalid', message: expect.stringMatching(/nested deeper than 32 levels/) as string },
      });
      const polluting = JSON.parse('{"indicators":["a"],"units":["522"],"positions":{"__proto__":{"seq":1}}}') as never;
      const pollutingAck = await new Promise<Ack>((resolve) => client.emit('subscribe', polluting, resolve));
      expect(pollutingAck).toMatchObject({
        ok: false,
        error: { code: 'invalid', message: expect.stringMatching(/"__proto__" is not allowed/) as string },
      });
      const fine = await new Promise<Ack>((resolve) =>
        client.emit('subscribe', { indicators: ['doc.processed_online_pct'], units: ['522'] }, resolve),
      );
      expect(fine).toMatchObject({ ok: true });
    });
  });

  describe('simulator', () => {
    const faults = (): string => `${simulator.url}/_control/ioffice/faults`;
    it('answers bad bodies with 413, 415 and 400', async () => {
      expectRefusal(
        await send(faults(), { method: 'PUT', body: JSON.stringify({ errorRate: 0, pad: 'x'.repeat(2 * MiB) }) }),
        413,
        /byte limit/,
      );
      expectRefusal(
        await send(faults(), { method: 'PUT', body: '{"errorRate":0}', headers: { 'content-type': 'text/plain' } }),
        415,
        /application\/json/,
      );
      expectRefusal(await send(faults(), { method: 'PUT', body: `{"errorRate":${nested(5_000)}}` }), 400, /nested deeper/);
      expectRefusal(await send(faults(), { method: 'PUT', body: `{"errorRate":${nested(100_000)}}` }), 413, /byte limit/);
      expectRefusal(await send(faults(), { method: 'PUT', body: '{"slowMs":1e12}' }), 400, /slowMs/);
    });
  });
});
