import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import {
  createTestDatabase,
  createTestRedis,
  runCompiled,
  stablePort,
  startStack,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '../support';

async function getJson(url: string): Promise<{ status: number; body: unknown } | undefined> {
  const response = await fetch(url).catch(() => undefined);
  return response ? { status: response.status, body: await response.json() } : undefined;
}

describe('the stack as an operator runs it', () => {
  let db: TestDatabase;
  let redis: TestRedis;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await redis.cleanup();
    await db.drop();
  });

  it('start migrates, seeds and runs every app, the simulator feeding the connectors through to live values; SIGTERM stops them all', async () => {
    const { process: stack, url, simulatorPort, secrets } = await startStack(db, redis, { SEED_ADMIN_PASSWORD: 'e2e admin password' });
    try {
      const health = await waitFor(
        async () => {
          const result = await getJson(`${url}/health`);
          return result?.status === 200 ? result : undefined;
        },
        60_000,
        'the gateway to answer /health',
      );
      expect(health.body).toMatchObject({
        status: 'ok',
        details: { postgres: { status: 'up' }, redis: { status: 'up' } },
      });
      expect(await getJson(`http://127.0.0.1:${simulatorPort}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
      // Simulator → connectors → queue → aggregator → live values the gateway serves.
      const liveValues = await waitFor(
        async () => {
          const count = await redis.client.hlen(sharedRedisKey(redis.prefix, SharedRedisKey.IndicatorLatest));
          return count > 0 ? count : undefined;
        },
        60_000,
        'live indicator values computed from the simulated sources',
      );
      expect(liveValues).toBeGreaterThan(0);
    } finally {
      await stack.stop('SIGTERM');
    }
    expect(stack.output()).toContain('all apps stopped');
    const jwtSecret = readFileSync(`${secrets}/jwt-secret`, 'utf8').trim();
    expect(statSync(`${secrets}/jwt-secret`).mode & 0o777).toBe(0o600);
    for (const secret of ['e2e admin password', jwtSecret]) expect(stack.output()).not.toContain(secret);
    rmSync(secrets, { recursive: true, force: true });
  });

  it('/health answers 503 naming Redis when Redis goes away, and ok again when it is back', async () => {
    const [port, redisPort] = [await stablePort(), await stablePort()];
    const startRedis = () =>
      spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    let privateRedis = startRedis();
    const gateway = runCompiled('apps/gateway/src/main.js', {
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET_GENERATE: 'true',
    });
    const healthIs = (status: number) => async () => {
      const result = await getJson(`http://127.0.0.1:${port}/health`);
      return result?.status === status ? result : undefined;
    };
    try {
      await waitFor(healthIs(200), 30_000, 'a healthy gateway');
      privateRedis.kill('SIGKILL');
      const down = await waitFor(healthIs(503), 15_000, '/health to report Redis down');
      expect(down.body).toMatchObject({ status: 'error', details: { postgres: { status: 'up' }, redis: { status: 'down' } } });
      privateRedis = startRedis();
      await waitFor(healthIs(200), 30_000, '/health to recover');
    } finally {
      await gateway.stop();
      privateRedis.kill('SIGKILL');
    }
  });

  it.each([
    [
      'Postgres',
      { DATABASE_URL: 'postgresql://ioc:hunter2@127.0.0.1:1/ioc' },
      /^gateway: Cannot reach Postgres at postgresql:\/\/ioc:\*\*\*@127\.0\.0\.1:1\/ioc \(ECONNREFUSED\)\. Start it .* or set DATABASE_URL\.$/,
    ],
    [
      'Redis',
      { REDIS_URL: 'redis://:hunter2@127.0.0.1:1' },
      /^gateway: Cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(ECONNREFUSED\)\. Start it .* or set REDIS_URL\.$/,
    ],
  ])('an unreachable %s gives one clear line and exit status 1', async (_service, env, line) => {
    const gateway = runCompiled('apps/gateway/src/main.js', {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      PORT: '0',
      JWT_SECRET_GENERATE: 'true',
      ...env,
    });
    expect(await gateway.exited).toBe(1);
    const output = gateway.output().trim();
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toMatch(line);
    expect(output).not.toContain('hunter2');
  });

  it('bad configuration is refused with every problem named', async () => {
    const gateway = runCompiled('apps/gateway/src/main.js', { PORT: 'eighty', LOG_LEVEL: 'chatty' });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output().trim()).toMatch(/^gateway: Invalid configuration: .*PORT must be an integer number.*LOG_LEVEL must be one of/);
  });
});
