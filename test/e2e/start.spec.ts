import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { isPortFree } from '@ioc/platform';
import { PROJECT_ROOT, createTestDatabase, createTestRedis, stablePort, waitFor, type TestDatabase, type TestRedis } from '../support';

/** Every process below `root` in the process tree, read from /proc. */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone while we looked
    }
  }
  const found: number[] = [];
  const walk = (pid: number): void => {
    for (const [child, parent] of parentOf) {
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Started {
  npm: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

const running: Started[] = [];

/** The launcher run directly until it exits: its exit code and everything it printed. */
async function runLauncher(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const launcher = spawn(process.execPath, ['scripts/launch.js'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  launcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  launcher.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => launcher.on('exit', resolve));
  return { code, output };
}

/** `npm start` as an operator types it, in the project folder, with the given environment. */
function npmStart(env: Record<string, string>): Started {
  const npm = spawn('npm', ['start'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  const started = { npm, output: () => output, exited };
  running.push(started);
  return started;
}

/** A test that failed half-way leaves no stack behind for the next one. */
async function stopLeftovers(): Promise<void> {
  for (const started of running.splice(0)) {
    const stack = descendants(started.npm.pid!);
    if (started.npm.exitCode === null && started.npm.signalCode === null) started.npm.kill('SIGTERM');
    await Promise.race([started.exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    for (const pid of stack.filter(alive)) process.kill(pid, 'SIGKILL');
  }
}

// Each test starts the whole stack, once or twice, on a 2-core machine.
const STACK_TEST_MS = 600_000;

const ready = (started: Started): Promise<true> =>
  waitFor(
    async () => {
      if (started.npm.exitCode !== null) throw new Error(`npm start exited early:\n${started.output()}`);
      return started.output().includes('IOC Realtime is ready') ? true : undefined;
    },
    240_000,
    'the ready banner',
  );

describe('npm start as an operator runs it', () => {
  let secrets: string;
  beforeEach(() => {
    secrets = mkdtempSync(join(tmpdir(), 'ioc-start-'));
  });
  afterEach(async () => {
    await stopLeftovers();
    rmSync(secrets, { recursive: true, force: true });
  });

  // Each stack gets its ports back after a restart: none from the range outgoing connections draw on.
  const ports = async () => ({ gateway: await stablePort(), connectors: await stablePort(), simulator: await stablePort() });
  const portEnv = (p: { gateway: number; connectors: number; simulator: number }) => ({
    PORT: String(p.gateway),
    CONNECTORS_PORT: String(p.connectors),
    SIMULATOR_PORT: String(p.simulator),
    // Metrics on any free port: a test stack never takes the default ones of a running stack.
    GATEWAY_METRICS_PORT: '0',
    AGGREGATOR_METRICS_PORT: '0',
    CONNECTORS_METRICS_PORT: '0',
    SEED_SIMULATOR_URL: `http://127.0.0.1:${p.simulator}`,
    SEED_CREDENTIALS_FILE: `${secrets}/seed-credentials.json`,
    CREDENTIALS_KEY_FILE: `${secrets}/credentials-key`,
    JWT_SECRET_FILE: `${secrets}/jwt-secret`,
    SHUTDOWN_TIMEOUT_S: '10',
  });

  describe('on the configured Postgres and Redis', () => {
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

    it(
      'SIGTERM to the npm process stops every process of the stack and frees every port',
      async () => {
        const p = await ports();
        const started = npmStart({
          ...portEnv(p),
          EMBEDDED: 'never',
          DATABASE_URL: db.url,
          REDIS_URL: redis.url,
          REDIS_PREFIX: redis.prefix,
        });
        await ready(started);
        expect(started.output()).toMatch(
          new RegExp(`Wall display +http://localhost:${p.gateway}/display/province-overview\\?key=<provinceViewerApiKey>`),
        );
        expect(started.output()).toContain(`API docs      http://localhost:${p.gateway}/docs`);
        const stack = descendants(started.npm.pid!);
        expect(stack.length).toBeGreaterThanOrEqual(5); // launcher and four apps

        started.npm.kill('SIGTERM');
        await started.exited;
        // npm exits after the stack, not before it: a start right after finds every port free.
        expect(stack.filter(alive)).toEqual([]);
        for (const port of Object.values(p)) expect(await isPortFree(port)).toBe(true);
        expect(started.output()).toContain('all apps stopped');
      },
      STACK_TEST_MS,
    );

    it('a port already in use gives one line naming the port and the process that holds it', async () => {
      const p = await ports();
      const holder: Server = createServer();
      await new Promise<void>((resolve) => holder.listen(p.connectors, '127.0.0.1', resolve));
      try {
        const { code, output } = await runLauncher({
          ...portEnv(p),
          EMBEDDED: 'never',
          DATABASE_URL: db.url,
          REDIS_URL: redis.url,
          REDIS_PREFIX: redis.prefix,
        });
        expect(code).toBe(1);
        expect(output.trim().split('\n')).toHaveLength(1);
        expect(output.trim()).toMatch(
          new RegExp(
            `^start: port ${p.connectors} \\(connectors\\) is already in use by pid ${process.pid} \\(.+\\)\\. Stop it or set CONNECTORS_PORT to a free port\\.$`,
          ),
        );
      } finally {
        holder.close();
      }
    });
  });

  it(
    'an embedded Redis port already in use stops the start with the port, its holder and the variable to change',
    async () => {
      const redisPort = await stablePort();
      const dataDir = mkdtempSync(join(tmpdir(), 'ioc-embedded-'));
      const holder: Server = createServer();
      await new Promise<void>((resolve) => holder.listen(redisPort, '127.0.0.1', resolve));
      try {
        const { code, output } = await runLauncher({
          ...portEnv(await ports()),
          EMBEDDED: 'always',
          EMBEDDED_DATA_DIR: dataDir,
          EMBEDDED_POSTGRES_PORT: String(await stablePort()),
          EMBEDDED_REDIS_PORT: String(redisPort),
          EMBEDDED_POSTGRES_PASSWORD_FILE: `${secrets}/embedded-postgres-password`,
          LOG_LEVEL: 'warn',
        });
        expect(code).toBe(1);
        expect(output.trim()).toMatch(
          new RegExp(
            `^start: port ${redisPort} \\(embedded Redis\\) is already in use by pid ${process.pid} \\(.+\\)\\. Stop it or set EMBEDDED_REDIS_PORT to a free port\\.$`,
            'm',
          ),
        );
      } finally {
        holder.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    STACK_TEST_MS,
  );

  it(
    'with EMBEDDED=always runs embedded PostgreSQL and Redis, reaches /health ok, and a restart keeps the data',
    async () => {
      const p = await ports();
      const dataDir = mkdtempSync(join(tmpdir(), 'ioc-embedded-'));
      const env = {
        ...portEnv(p),
        EMBEDDED: 'always',
        EMBEDDED_DATA_DIR: dataDir,
        EMBEDDED_POSTGRES_PORT: String(await stablePort()),
        EMBEDDED_REDIS_PORT: String(await stablePort()),
        EMBEDDED_POSTGRES_PASSWORD_FILE: `${secrets}/embedded-postgres-password`,
      };
      const health = async () => {
        const response = await fetch(`http://127.0.0.1:${p.gateway}/health`);
        return { status: response.status, body: (await response.json()) as unknown };
      };
      const login = async (password: string) =>
        (
          await fetch(`http://127.0.0.1:${p.gateway}/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'admin', password }),
          })
        ).status;
      try {
        const first = npmStart(env);
        await ready(first);
        expect(first.output()).toMatch(
          new RegExp(
            `PostgreSQL +embedded PostgreSQL \\d+ at postgresql://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${env.EMBEDDED_POSTGRES_PORT}/ioc, data in ${dataDir}/postgres`,
          ),
        );
        expect(first.output()).toMatch(
          new RegExp(`Redis +embedded Redis at redis://127\\.0\\.0\\.1:${env.EMBEDDED_REDIS_PORT}, data in ${dataDir}/redis`),
        );
        expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
        const { adminPassword } = JSON.parse(readFileSync(`${secrets}/seed-credentials.json`, 'utf8')) as { adminPassword: string };
        expect(await login(adminPassword)).toBe(200);
        const redis = new Redis(`redis://127.0.0.1:${env.EMBEDDED_REDIS_PORT}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
        await redis.set('start-spec:kept', 'yes');
        await redis.quit();
        const firstStack = descendants(first.npm.pid!);
        first.npm.kill('SIGTERM');
        await first.exited;
        // Apps first, then the embedded services, all before npm exits: nothing of the first stack is left.
        expect(first.output()).toMatch(/all apps stopped[\s\S]*embedded services stopped \(data kept\)/);
        expect(firstStack.filter(alive)).toEqual([]);

        const second = npmStart(env);
        await ready(second);
        // The same embedded Redis port as configured, not whichever was free.
        expect(second.output()).toMatch(
          new RegExp(`Redis +embedded Redis at redis://127\\.0\\.0\\.1:${env.EMBEDDED_REDIS_PORT}, data in ${dataDir}/redis`),
        );
        // The admin created (and its password generated) by the first start is still there.
        expect(await login(adminPassword)).toBe(200);
        const again = new Redis(`redis://127.0.0.1:${env.EMBEDDED_REDIS_PORT}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          expect(await again.get('start-spec:kept')).toBe('yes');
        } finally {
          again.disconnect();
        }
        second.npm.kill('SIGTERM');
        await second.exited;
      } finally {
        await stopLeftovers();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    STACK_TEST_MS,
  );
});
