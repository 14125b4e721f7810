import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { type IndicatorUpdate, SharedRedisKey, sharedRedisKey, streamKey, redisKeyTag } from '@ioc/contracts';
import { createPrismaClient, ensureDatabase, migrateDeploy } from '@ioc/persistence';
import { DEFAULT_LOCAL_UNIT_CODE, seedDatabase } from '@ioc/seed';
import { stablePort } from '@ioc/platform';
import { issueApiKey } from '@ioc/security';
import { INSPECT_OPTION, inspectorUrl } from './inspector-memory';

/** Shared by the gateway benchmarks: a seeded database and Redis prefix of their own, the compiled gateway, a publisher. */
export const ROOT = resolve(__dirname, '..', '..', '..');
const SERVER_URL = process.env.DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const log = (line: string): void => void process.stdout.write(`${line}\n`);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export interface Tile {
  indicatorId: string;
  unitCode: string;
}

export interface BenchBacking {
  databaseUrl: string;
  prefix: string;
  redis: Redis;
  /** API key of a province-level viewer (what a wall display holds). */
  displayKey: string;
  /** The dashboard's tiles, `tiles` of them. */
  tiles: Tile[];
  cleanup(): Promise<void>;
}

/** A fresh database (migrated, seeded) and Redis prefix, with a dashboard `slug` of `count` province and district tiles. */
export async function createBenchBacking(slug: string, count: number): Promise<BenchBacking> {
  const id = randomBytes(4).toString('hex');
  const dbName = `ioc_bench_${id}`;
  const prefix = `ioc-bench-${id}`;
  const databaseUrl = SERVER_URL.replace(/\/[^/]*$/, `/${dbName}`);
  const redis = new Redis(REDIS_URL);
  const cleanup = async (): Promise<void> => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisKeyTag(prefix)}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
    await sleep(500);
    const admin = new Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  };
  await ensureDatabase(databaseUrl);
  await migrateDeploy(databaseUrl, resolve(ROOT, 'prisma', 'migrations'));
  const prisma = createPrismaClient(databaseUrl);
  try {
    const displayKey = issueApiKey().key;
    await seedDatabase(prisma, { adminPassword: randomBytes(12).toString('hex'), provinceViewerApiKey: displayKey });
    const indicators = (await prisma.indicatorDefinition.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((row) => row.id);
    const province = await prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '51' } });
    const tiles = Array.from({ length: count }, (_, i) => ({
      indicatorId: indicators[i % indicators.length]!,
      unitCode: i < indicators.length ? '51' : DEFAULT_LOCAL_UNIT_CODE,
    }));
    await prisma.dashboard.create({ data: { slug, title: 'Bench', unitId: province.id, layout: { columns: 5, tiles } } });
    return { databaseUrl, prefix, redis, displayKey, tiles, cleanup };
  } finally {
    await prisma.$disconnect();
  }
}

/** Resident memory of a process, in KB. */
export function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces) start at "state"; utime and stime are the 12th and 13th of them.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The aggregator's V8 options, as docker-compose.yml runs it: a 64 MB young generation cut its
 * garbage collection (17% of its CPU in bench:aggregator) and raised its throughput 12-20%.
 */
export const AGGREGATOR_NODE_OPTIONS = ['--max-semi-space-size=64'];

/**
 * A compiled app (`dist/<entry>`) with the bench's environment; its output goes to stderr.
 * BENCH_CPU_PROF=<dir>: the app writes a V8 CPU profile there when the bench stops it.
 */
export function spawnCompiled(entry: string, env: Record<string, string>, nodeOptions: string[] = []): ChildProcess {
  const path = resolve(ROOT, 'dist', entry);
  const profileDir = process.env.BENCH_CPU_PROF;
  // A profile is written on a normal exit only; the apps re-raise SIGTERM after their shutdown hooks.
  const args = profileDir
    ? [
        ...nodeOptions,
        '--cpu-prof',
        `--cpu-prof-dir=${profileDir}`,
        '-e',
        `process.once('SIGTERM', () => process.exit(0)); require(${JSON.stringify(path)})`,
      ]
    : [...nodeOptions, path];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.pipe(process.stderr);
  child.stdout!.pipe(process.stderr);
  return child;
}

/** SIGTERMs a child and resolves once it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGTERM');
  return exited;
}

/** The compiled gateway on 127.0.0.1 and a random port; `nodeOptions` e.g. "--cpu-prof". */
export async function startGateway(
  backing: BenchBacking,
  env: Record<string, string>,
  nodeOptions: string[] = [],
): Promise<{ child: ChildProcess; port: number; url: string; inspector?: Promise<string> }> {
  const port = await stablePort();
  const child = spawnCompiled(
    'apps/gateway/src/main.js',
    {
      DATABASE_URL: backing.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: backing.prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: randomBytes(32).toString('hex'),
      ...env,
    },
    nodeOptions,
  );
  // Listened for before the app starts logging (INSPECT_OPTION): the inspector's address.
  const inspector = nodeOptions.includes(INSPECT_OPTION) ? inspectorUrl(child) : undefined;
  const url = `http://127.0.0.1:${port}`;
  await waitForServer(`${url}/health`, child);
  return { child, port, url, inspector };
}

/** Until `url` answers (with any status when `anyAnswer`, else a 2xx); fails at once when the server exits. */
export async function waitForServer(url: string, child: ChildProcess, anyAnswer = false): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${url}: the server exited (${child.exitCode ?? child.signalCode})`);
    const ok = await fetch(url).then(
      (response) => anyAnswer || response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${url} never answered`);
}

/** Writes one update the way the aggregator does: XADD to the stream and HSET the latest value, atomically. */
export function publishUpdate(backing: BenchBacking, update: IndicatorUpdate): Promise<unknown> {
  return backing.redis
    .multi()
    .xadd(sharedRedisKey(backing.prefix, SharedRedisKey.IndicatorUpdates), 'MAXLEN', '~', 100_000, '*', 'u', JSON.stringify(update))
    .hset(
      sharedRedisKey(backing.prefix, SharedRedisKey.IndicatorLatest),
      streamKey(update.indicatorId, update.unitCode),
      JSON.stringify(update),
    )
    .exec();
}

/**
 * Publishes `rate` updates per second round-robin over the tiles (seq 1, 2, … per stream, epoch
 * "bench", asOf = publish time). stop() resolves with the last seq of every stream once the
 * publisher has finished its last write.
 */
export function startPublisher(
  publishOne: (update: IndicatorUpdate) => Promise<unknown>,
  tiles: Tile[],
  rate: number,
): { stop: () => Promise<Record<string, number>> } {
  const seqs = new Map<string, number>();
  let next = 0;
  let running = true;
  const intervalMs = 1000 / rate;
  const started = Date.now();
  const loop = (async () => {
    for (let sent = 0; running; sent += 1) {
      const tile = tiles[next++ % tiles.length]!;
      const key = streamKey(tile.indicatorId, tile.unitCode);
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      await publishOne({
        ...tile,
        value: seq,
        numerator: null,
        denominator: null,
        own: { value: seq, numerator: null, denominator: null },
        target: null,
        judged: null,
        status: 'no_target',
        asOf: new Date().toISOString(),
        freshness: [],
        seq,
        epoch: 'bench',
      });
      const wait = started + (sent + 1) * intervalMs - Date.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  // A failed write ends the loop; stop() reports it. Until then it must not go unhandled.
  loop.catch(() => undefined);
  return {
    stop: async () => {
      running = false;
      await loop;
      return Object.fromEntries(seqs);
    },
  };
}
