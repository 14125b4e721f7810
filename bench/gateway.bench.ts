import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import {
  type ClientToServerEvents,
  type IndicatorUpdate,
  LIVE_NAMESPACE,
  type ServerToClientEvents,
  SharedRedisKey,
  sharedRedisKey,
  streamKey,
} from '@ioc/contracts';
import { DEFAULT_LOCAL_UNIT_CODE, createPrismaClient, ensureDatabase, migrateDeploy, seedDatabase } from '@ioc/persistence';
import { issueApiKey } from '@ioc/security';

/**
 * Gateway benchmark: N socket.io clients, each subscribed to a 20-tile dashboard, receive a
 * steady stream of indicator updates written to Redis as the aggregator writes them; then the
 * same messages go through a plain Redis pub/sub → `ws` broadcast as the baseline.
 *
 *   npm run bench:gateway -- <clients> [updates per second, default 20] [seconds, default 10]
 *
 * Needs Postgres and Redis (DATABASE_SERVER_URL / REDIS_URL, defaults local) and about
 * 2 × clients file descriptors: `ulimit -n 25000` before 10,000 clients.
 */
const ROOT = resolve(__dirname, '..', '..');
const SERVER_URL = process.env.DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const clients = Number(process.argv[2] ?? 1000);
const rate = Number(process.argv[3] ?? 20);
const seconds = Number(process.argv[4] ?? 10);
const WARMUP_S = 2;
const TILES = 20;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

function spawnChild(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [resolve(ROOT, 'dist', entry), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function startChild(entry: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawnChild(entry, args, env);
  return new Promise((resolveReady, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolveReady({ child, match });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${entry} exited with ${code}:\n${output.slice(-2000)}`)));
  });
}

async function waitForHealth(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${url} never answered`);
}

/** Publishes `rate` updates per second round-robin over the tiles, stamping asOf with the publish time. */
function startPublisher(publishOne: (update: IndicatorUpdate) => Promise<unknown>, tiles: { indicatorId: string; unitCode: string }[]): () => void {
  const seqs = new Map<string, number>();
  let next = 0;
  let running = true;
  const intervalMs = 1000 / rate;
  const started = Date.now();
  void (async () => {
    for (let sent = 0; running; sent += 1) {
      const tile = tiles[next++ % tiles.length];
      const key = streamKey(tile.indicatorId, tile.unitCode);
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      await publishOne({
        ...tile,
        value: seq,
        own: { value: seq, numerator: null, denominator: null },
        judged: null,
        numerator: null,
        denominator: null,
        target: null,
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
  return () => {
    running = false;
  };
}

interface Measurement {
  latencies: number[];
  delivered: number;
}

/** Counts receipts after the warm-up; latency = receipt time − asOf (publish time, same clock). */
function measure(): { onUpdate: (update: { asOf: string }) => void; start: () => void; result: () => Measurement } {
  let measuring = false;
  const latencies: number[] = [];
  let delivered = 0;
  return {
    onUpdate: (update) => {
      if (!measuring) return;
      delivered += 1;
      latencies.push(Date.now() - Date.parse(update.asOf));
    },
    start: () => {
      measuring = true;
    },
    result: () => {
      measuring = false;
      return { latencies: latencies.sort((a, b) => a - b), delivered };
    },
  };
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const dbName = `ioc_bench_${id}`;
  const prefix = `ioc-bench-${id}`;
  const databaseUrl = SERVER_URL.replace(/\/[^/]*$/, `/${dbName}`);
  const redis = new Redis(REDIS_URL);
  const children: ChildProcess[] = [];
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  try {
    log(`# gateway benchmark: ${clients} clients × ${TILES} tiles, ${rate} updates/s for ${seconds} s (warm-up ${WARMUP_S} s)`);
    await ensureDatabase(databaseUrl);
    await migrateDeploy(databaseUrl, resolve(ROOT, 'prisma', 'migrations'));
    const prisma = createPrismaClient(databaseUrl);
    const displayKey = issueApiKey().key;
    await seedDatabase(prisma, { adminPassword: randomBytes(12).toString('hex'), provinceViewerApiKey: displayKey });
    const indicators = (await prisma.indicatorDefinition.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((row) => row.id);
    const province = await prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '51' } });
    const tiles = Array.from({ length: TILES }, (_, i) => ({ indicatorId: indicators[i % indicators.length], unitCode: i < indicators.length ? '51' : DEFAULT_LOCAL_UNIT_CODE }));
    await prisma.dashboard.create({ data: { slug: 'bench-20', title: 'Bench', unitId: province.id, layout: { columns: 5, tiles } } });
    await prisma.$disconnect();

    // --- gateway -------------------------------------------------------------------------
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const gateway = spawnChild(
      'apps/gateway/src/main.js',
      [],
      {
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: randomBytes(32).toString('hex'),
        GATEWAY_METRICS_PORT: '0',
        LOG_LEVEL: 'warn',
        LIVE_MAX_MESSAGES_PER_10S: '1000',
      },
    );
    gateway.stderr!.pipe(process.stderr);
    gateway.stdout!.pipe(process.stderr);
    children.push(gateway);
    await waitForHealth(`http://127.0.0.1:${port}/health`);
    await sleep(500);
    const idleKb = rssKb(gateway.pid!);
    const gatewayStats = measure();
    for (let i = 0; i < clients; i += 200) {
      const batch = Array.from({ length: Math.min(200, clients - i) }, () => {
        const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`http://127.0.0.1:${port}${LIVE_NAMESPACE}`, {
          auth: { apiKey: displayKey },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        sockets.push(socket);
        socket.on('update', gatewayStats.onUpdate);
        return new Promise<void>((resolveSubscribed, reject) => {
          socket.on('connect_error', reject);
          socket.on('error', (error) => reject(new Error(error.message)));
          socket.on('connect', () =>
            socket.emit('subscribe', { indicators: [], units: [], dashboard: 'bench-20' }, (ack) => (ack.ok ? resolveSubscribed() : reject(new Error(ack.error?.message)))),
          );
        });
      });
      await Promise.all(batch);
    }
    await sleep(1000);
    const connectedKb = rssKb(gateway.pid!);
    const streamName = sharedRedisKey(prefix, SharedRedisKey.IndicatorUpdates);
    const latestName = sharedRedisKey(prefix, SharedRedisKey.IndicatorLatest);
    const stopGatewayPublisher = startPublisher(
      (update) =>
        redis
          .multi()
          .xadd(streamName, 'MAXLEN', '~', 10_000, '*', 'u', JSON.stringify(update))
          .hset(latestName, streamKey(update.indicatorId, update.unitCode), JSON.stringify(update))
          .exec(),
      tiles,
    );
    await sleep(WARMUP_S * 1000);
    gatewayStats.start();
    await sleep(seconds * 1000);
    const gatewayResult = gatewayStats.result();
    stopGatewayPublisher();
    const loadedKb = rssKb(gateway.pid!);
    for (const socket of sockets.splice(0)) socket.disconnect();
    gateway.kill('SIGTERM');

    // --- baseline: Redis pub/sub → ws ----------------------------------------------------------
    const channel = `${prefix}:baseline`;
    const { child: baseline, match } = await startChild('bench/baseline-server.js', [REDIS_URL, channel], {}, /PORT (\d+)/);
    children.push(baseline);
    const baselineStats = measure();
    const wsClients: WebSocket[] = [];
    for (let i = 0; i < clients; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, clients - i) }, () => {
          const ws = new WebSocket(`ws://127.0.0.1:${match[1]}`);
          wsClients.push(ws);
          ws.on('message', (data: Buffer) => baselineStats.onUpdate(JSON.parse(data.toString()) as IndicatorUpdate));
          return new Promise<void>((resolveOpen, reject) => {
            ws.on('open', () => resolveOpen());
            ws.on('error', reject);
          });
        }),
      );
    }
    const stopBaselinePublisher = startPublisher((update) => redis.publish(channel, JSON.stringify(update)), tiles);
    await sleep(WARMUP_S * 1000);
    baselineStats.start();
    await sleep(seconds * 1000);
    const baselineResult = baselineStats.result();
    stopBaselinePublisher();
    for (const ws of wsClients) ws.terminate();

    const expected = clients * rate;
    const row = (name: string, m: Measurement): string =>
      `| ${name.padEnd(24)} | ${percentile(m.latencies, 50).toFixed(0).padStart(6)} | ${percentile(m.latencies, 99).toFixed(0).padStart(6)} | ${Math.round(m.delivered / seconds).toString().padStart(12)} | ${((100 * m.delivered) / (expected * seconds)).toFixed(1).padStart(9)} |`;
    log('| path                     | p50 ms | p99 ms | delivered/s  | of sent % |');
    log('|--------------------------|--------|--------|--------------|-----------|');
    log(row('socket.io gateway', gatewayResult));
    log(row('redis pub/sub → ws', baselineResult));
    const kbPerConn = (connectedKb - idleKb) / clients;
    log(`gateway RSS: idle ${(idleKb / 1024).toFixed(1)} MB, ${clients} subscribed ${(connectedKb / 1024).toFixed(1)} MB, under load ${(loadedKb / 1024).toFixed(1)} MB`);
    log(
      `RESULT gateway clients=${clients} p50_ms=${percentile(gatewayResult.latencies, 50).toFixed(0)} p99_ms=${percentile(gatewayResult.latencies, 99).toFixed(0)} delivered_per_s=${Math.round(gatewayResult.delivered / seconds)} kb_per_conn=${kbPerConn.toFixed(1)} baseline_p99_ms=${percentile(baselineResult.latencies, 99).toFixed(0)}`,
    );
  } finally {
    for (const socket of sockets) socket.disconnect();
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
    await sleep(500);
    const admin = new Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
