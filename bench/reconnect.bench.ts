import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { LIVE_RECONNECTION } from '@ioc/contracts';
import {
  type BenchBacking,
  cpuSeconds,
  createBenchBacking,
  log,
  percentile,
  publishUpdate,
  sleep,
  startGateway,
  startPublisher,
} from './support/bench-backing';
import type { ClientReport, ParentMessage, WorkerMessage, WorkerSetup } from './support/reconnect-worker';
import { runBench } from './support/run-bench';

/**
 * Reconnect storm: N wall displays, each subscribed to a 10-tile dashboard (10 streams) on one
 * gateway process, lose their connections at once and reconnect at random moments within 2 s
 * while updates keep flowing; then every display's streams are checked for gaps and duplicates.
 *
 *   npm run bench:reconnect -- <clients> [updates/s on their streams, default 2] [background updates/s, default 200] [worker processes]
 *
 * The background updates go to 500 streams nobody watches, as the aggregator's updates of the
 * rest of the province fill the shared stream: a resume reads back through them to its positions.
 * The displays live in child processes (at most 2,500 each by default, for the per-process
 * descriptor limit). Needs Postgres and Redis (DATABASE_SERVER_URL / REDIS_URL, defaults local).
 * GATEWAY_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to the gateway.
 */
const clients = Number(process.argv[2] ?? 2000);
const rate = Number(process.argv[3] ?? 2);
const backgroundRate = Number(process.argv[4] ?? 200);
const workerCount = Number(process.argv[5] ?? Math.max(2, Math.ceil(clients / 2500)));
const BACKGROUND_STREAMS = 500;
const TILES = 10;
const STORM_WINDOW_MS = 2000;
const RESUME_DEADLINE_MS = 240_000;
const SETTLE_MS = 3000;

interface Worker {
  child: ChildProcess;
  resumed: number;
  next<T extends WorkerMessage['type']>(type: T): Promise<Extract<WorkerMessage, { type: T }>>;
  send(message: ParentMessage): void;
}

function startWorker(): Worker {
  const child = fork(resolve(__dirname, 'support', 'reconnect-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<string, (message: WorkerMessage) => void>();
  const worker: Worker = {
    child,
    resumed: 0,
    next: (type) => new Promise((resolveNext) => waiting.set(type, resolveNext as (message: WorkerMessage) => void)),
    send: (message) => void child.send(message),
  };
  child.on('message', (message: WorkerMessage) => {
    if (message.type === 'resumed') worker.resumed = message.count;
    waiting.get(message.type)?.(message);
    waiting.delete(message.type);
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) log(`# worker ${child.pid} exited with ${code}`);
  });
  return worker;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

async function main(): Promise<void> {
  log(
    `# reconnect storm: ${clients} displays × ${TILES} streams over ${workerCount} worker processes, ${rate} updates/s on them and ${backgroundRate}/s on ${BACKGROUND_STREAMS} other streams, reconnecting within ${STORM_WINDOW_MS / 1000} s`,
  );
  const backing: BenchBacking = await createBenchBacking('bench-10', TILES);
  const workers: Worker[] = [];
  let gateway: ChildProcess | undefined;
  // Interrupted (Ctrl-C, a timeout): still drop the bench's database and Redis keys.
  const interrupted = (): void => void backing.cleanup().finally(() => process.exit(1));
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const nodeOptions = (process.env.GATEWAY_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
    // Every update reaches every display (no coalescing), so a missing seq is a real gap.
    const started = await startGateway(backing, { LIVE_MAX_UPDATES_PER_TILE_PER_S: '0' }, nodeOptions);
    gateway = started.child;
    const publisher = startPublisher((update) => publishUpdate(backing, update), backing.tiles, rate);
    const backgroundTiles = Array.from({ length: BACKGROUND_STREAMS }, (_, i) => ({
      indicatorId: 'bench.background',
      unitCode: String(i),
    }));
    const background = startPublisher((update) => publishUpdate(backing, update), backgroundTiles, backgroundRate);

    const connectStart = Date.now();
    for (let i = 0; i < workerCount; i += 1) workers.push(startWorker());
    await Promise.all(
      workers.map((worker, i) => {
        const setup: WorkerSetup = {
          url: started.url,
          apiKey: backing.displayKey,
          dashboard: 'bench-10',
          clients: Math.floor(clients / workerCount) + (i < clients % workerCount ? 1 : 0),
          // The web display's reconnection settings, for retries after a failed attempt.
          reconnection: { ...LIVE_RECONNECTION },
        };
        worker.send({ type: 'connect', setup });
        return worker.next('connected');
      }),
    );
    log(`# ${clients} displays subscribed in ${seconds(Date.now() - connectStart)} s; storm in 3 s`);
    await sleep(3000);

    const cpuBefore = [gateway, ...workers.map((worker) => worker.child)].map((child) => cpuSeconds(child.pid!));
    const [loadBefore = 0] = loadavg();
    const stormAt = Date.now();
    for (const worker of workers) worker.send({ type: 'storm', windowMs: STORM_WINDOW_MS });
    let lastLogged = 0;
    while (Date.now() - stormAt < RESUME_DEADLINE_MS) {
      const resumed = workers.reduce((sum, worker) => sum + worker.resumed, 0);
      if (resumed >= clients) break;
      if (Date.now() - lastLogged >= 5000) {
        lastLogged = Date.now();
        log(`#   ${seconds(Date.now() - stormAt)} s after the drop: ${resumed} resumed`);
      }
      await sleep(100);
    }
    const stormMs = Date.now() - stormAt;
    const cpuUsed = [gateway, ...workers.map((worker) => worker.child)].map((child, i) => cpuSeconds(child.pid!) - (cpuBefore[i] ?? 0));
    log(
      `# storm over in ${seconds(stormMs)} s: gateway used ${(cpuUsed[0] ?? 0).toFixed(1)} CPU s, the displays' workers ${cpuUsed
        .slice(1)
        .reduce((a, b) => a + b, 0)
        .toFixed(1)} CPU s; load average ${loadBefore.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)} on ${availableParallelism()} cores`,
    );
    await sleep(SETTLE_MS);
    const finalSeqs = await publisher.stop();
    await background.stop();
    // Let the last updates reach every display before checking that nothing is missing.
    await sleep(SETTLE_MS);
    const reports = await Promise.all(
      workers.map((worker) => {
        worker.send({ type: 'finish', finalSeqs });
        return worker.next('report');
      }),
    );

    const all: ClientReport[] = reports.flatMap((report) => report.clients);
    const resumedMs = all.flatMap((client) => (client.resumedMs === null ? [] : [client.resumedMs])).sort((a, b) => a - b);
    const sinceDrop = all.flatMap((client) => (client.sinceDropMs === null ? [] : [client.sinceDropMs])).sort((a, b) => a - b);
    const failedFirst = all.filter((client) => client.failedFirst).length;
    const unresumed = all.length - resumedMs.length;
    const gaps = reports.reduce((sum, report) => sum + report.gaps, 0);
    const dups = reports.reduce((sum, report) => sum + report.dups, 0);
    const resets = reports.reduce((sum, report) => sum + report.resets, 0);
    const behind = reports.reduce((sum, report) => sum + report.behind, 0);
    const attempts = all.reduce((sum, client) => sum + client.attempts, 0);
    const errors = new Map<string, number>();
    for (const [message, count] of reports.flatMap((report) => Object.entries(report.errors)))
      errors.set(message, (errors.get(message) ?? 0) + count);

    log(`displays: ${all.length}, resumed: ${resumedMs.length}, never resumed within ${RESUME_DEADLINE_MS / 1000} s: ${unresumed}`);
    log(`first attempts failed: ${failedFirst}; connection attempts in all: ${attempts}`);
    log(
      `time to resumed from the first attempt: p50 ${seconds(percentile(resumedMs, 50))} s, p95 ${seconds(percentile(resumedMs, 95))} s, max ${seconds(resumedMs.at(-1) ?? NaN)} s`,
    );
    log(
      `time to resumed from the drop: p50 ${seconds(percentile(sinceDrop, 50))} s, p95 ${seconds(percentile(sinceDrop, 95))} s, max ${seconds(sinceDrop.at(-1) ?? NaN)} s`,
    );
    log(
      `gaps (missing seqs, tails included): ${gaps}; duplicates: ${dups}; reset snapshots: ${resets}; streams behind at the end: ${behind}`,
    );
    if (errors.size > 0) log(`errors seen by displays: ${[...errors].map(([message, count]) => `${count}× ${message}`).join('; ')}`);
    const maxS = unresumed > 0 ? 'inf' : seconds(resumedMs.at(-1) ?? NaN);
    log(
      `RESULT reconnect clients=${clients} failed_first=${failedFirst} p95_s=${seconds(percentile(resumedMs, 95))} max_s=${maxS} gaps=${gaps} dups=${dups}`,
    );
  } finally {
    for (const worker of workers) if (worker.child.connected) worker.child.disconnect();
    if (gateway && gateway.exitCode === null) {
      gateway.kill('SIGTERM');
      await new Promise((r) => gateway!.once('exit', r));
    }
    await backing.cleanup();
  }
}

runBench('bench:reconnect', main);
