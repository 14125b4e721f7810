import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, type HttpClientOptions } from './http-client';
import { SourceError } from './errors';

const FAST: HttpClientOptions = {
  timeoutMs: 300,
  maxAttempts: 3,
  backoffInitialMs: 5,
  backoffMaxMs: 20,
  breakerThreshold: 100,
  breakerHalfOpenAfterMs: 60_000,
};

describe('HttpClient', () => {
  let server: Server;
  let url: string;
  let answers: ((res: import('node:http').ServerResponse) => void)[];
  let requests: number;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests += 1;
      const answer = answers.shift() ?? ((r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  });
  beforeEach(() => {
    answers = [];
    requests = 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const status =
    (code: number, headers: Record<string, string> = {}) =>
    (res: import('node:http').ServerResponse) =>
      res.writeHead(code, headers).end();
  const failure = (promise: Promise<unknown>): Promise<SourceError> =>
    promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (error: SourceError) => error,
    );

  it('retries server errors and a 429 (with Retry-After) until the source answers', async () => {
    answers = [status(500), status(429, { 'retry-after': '0' })];
    await expect(new HttpClient(FAST).json(url)).resolves.toEqual({ ok: true });
    expect(requests).toBe(3);
  });

  it('gives up after maxAttempts with the last failure, as a server error', async () => {
    answers = [status(503), status(503), status(503)];
    const error = await failure(new HttpClient(FAST).json(url));
    expect(error).toMatchObject({ kind: 'server', status: 503 });
    expect(requests).toBe(3);
  });

  it('reports refused credentials as "auth" without retrying', async () => {
    answers = [status(401)];
    expect(await failure(new HttpClient(FAST).json(url))).toMatchObject({ kind: 'auth', status: 401 });
    expect(requests).toBe(1);
  });

  it('reports a source that does not answer in time as "timeout"', async () => {
    answers = [() => undefined, () => undefined, () => undefined];
    expect(await failure(new HttpClient({ ...FAST, timeoutMs: 50 }).json(url))).toMatchObject({ kind: 'timeout' });
  });

  it('opens the circuit after consecutive failures and then fails fast without calling the source', async () => {
    const client = new HttpClient({ ...FAST, maxAttempts: 1, breakerThreshold: 2 });
    answers = [status(500), status(500), status(200)];
    await failure(client.json(url));
    await failure(client.json(url));
    expect(client.circuitState).toBe('open');
    expect(await failure(client.json(url))).toMatchObject({ kind: 'circuit-open' });
    expect(requests).toBe(2);
  });
});
