import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  cpuSeconds,
  REDIS_URL,
  ROOT,
  createBenchBacking,
  log,
  percentile,
  publishUpdate,
  rssKb,
  sleep,
  startGateway,
  startPublisher,
} from './support/bench-backing';
import type { Measurement } from './support/display-clients';
import { type FleetMeasurement, startDisplayFleet } from './support/display-fleet';
import { INSPECT_OPTION, memoryAfterGc } from './support/inspector-memory';
import { runBench } from './support/run-bench';

/**
 * Gateway benchmark: N socket.io clients, each subscribed to a 20-tile dashboard, receive a
 * steady stream of indicator updates written to Redis as the aggregator writes them; then the
 * same messages go through a plain Redis pub/sub → `ws` broadcast as the baseline.
 *
 *   npm run bench:gateway -- <clients> [updates per second per display, default 20] [seconds, default 10]
 *
 * The clients live in worker processes (10,000 each), and one server process holds at most
 * 10,000 of them (a process may open 20,000 descriptors here): 20,000 clients run against two
 * gateway processes, and against two baseline processes. Needs Postgres and Redis
 * (DATABASE_SERVER_URL / REDIS_URL, defaults local). GATEWAY_NODE_OPTIONS (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof") is passed to the gateways.
 */
const clients = Number(process.argv[2] ?? 1000);
const rate = Number(process.argv[3] ?? 20);
const seconds = Number(process.argv[4] ?? 10);
const WARMUP_S = 2;
const TILES = 20;
const CLIENTS_PER_SERVER = 10_000;
const servers = Math.ceil(clients / CLIENTS_PER_SERVER);
const nodeOptions = (process.env.GATEWAY_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
function spawnChild(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [resolve(ROOT, 'dist', entry), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function startChild(
  entry: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
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

async function main(): Promise<void> {
  log(
    `# gateway benchmark: ${clients} clients × ${TILES} tiles on ${servers} server process(es), ${rate} updates/s for ${seconds} s (warm-up ${WARMUP_S} s)`,
  );
  const backing = await createBenchBacking('bench-20', TILES);
  const { redis, prefix, tiles, displayKey } = backing;
  const children: ChildProcess[] = [];
  const totalRssKb = (pids: number[]): number => pids.reduce((sum, pid) => sum + rssKb(pid), 0);
  const cpuOf = (pids: number[]): { pid: number; at: number }[] => pids.map((pid) => ({ pid, at: cpuSeconds(pid) }));
  const cpuSince = (start: { pid: number; at: number }[]): number[] => start.map(({ pid, at }) => cpuSeconds(pid) - at);
  try {
    // --- gateway -------------------------------------------------------------------------
    const gateways = await Promise.all(
      Array.from({ length: servers }, () =>
        startGateway(backing, { GATEWAY_METRICS_PORT: '0', LIVE_MAX_MESSAGES_PER_10S: '1000' }, [...nodeOptions, INSPECT_OPTION]),
      ),
    );
    children.push(...gateways.map((gateway) => gateway.child));
    const gatewayPids = gateways.map((gateway) => gateway.child.pid!);
    const inspectors = await Promise.all(gateways.map((gateway) => gateway.inspector!));
    /** Heap and RSS of the gateways after a full garbage collection in each, in KB. */
    const afterGcKb = async (): Promise<{ heap: number; rss: number }> => {
      const all = await Promise.all(inspectors.map(memoryAfterGc));
      return { heap: all.reduce((sum, m) => sum + m.heapUsed, 0) / 1024, rss: all.reduce((sum, m) => sum + m.rss, 0) / 1024 };
    };
    await sleep(500);
    const idleKb = totalRssKb(gatewayPids);
    const idleAfterGc = await afterGcKb();
    const displays = await startDisplayFleet(
      { kind: 'socket.io', ports: gateways.map((gateway) => gateway.port), apiKey: displayKey, dashboard: 'bench-20' },
      clients,
    );
    await sleep(1000);
    const connectedKb = totalRssKb(gatewayPids);
    const connectedAfterGc = await afterGcKb();
    const gatewayPublisher = startPublisher((update) => publishUpdate(backing, update), tiles, rate);
    await sleep(WARMUP_S * 1000);
    const cpuAtStart = cpuOf([...gatewayPids, ...displays.pids]);
    displays.start();
    await sleep(seconds * 1000);
    const gatewayResult = await displays.stop();
    const gatewayCpu = cpuSince(cpuAtStart);
    await gatewayPublisher.stop();
    const loadedKb = totalRssKb(gatewayPids);
    await displays.close();
    for (const gateway of gateways) gateway.child.kill('SIGTERM');

    // --- baseline: Redis pub/sub → ws ----------------------------------------------------------
    const channel = `${prefix}:baseline`;
    const baselines = await Promise.all(
      Array.from({ length: servers }, () => startChild('bench/baseline-server.js', [REDIS_URL, channel], {}, /PORT (\d+)/)),
    );
    children.push(...baselines.map((baseline) => baseline.child));
    const baselineClients = await startDisplayFleet({ kind: 'ws', ports: baselines.map(({ match }) => Number(match[1])) }, clients);
    const baselinePublisher = startPublisher((update) => redis.publish(channel, JSON.stringify(update)), tiles, rate);
    await sleep(WARMUP_S * 1000);
    const baselineCpuAtStart = cpuOf([...baselines.map(({ child }) => child.pid!), ...baselineClients.pids]);
    baselineClients.start();
    await sleep(seconds * 1000);
    const baselineResult = await baselineClients.stop();
    const baselineCpu = cpuSince(baselineCpuAtStart);
    await baselinePublisher.stop();
    await baselineClients.close();

    const expected = clients * rate;
    const row = (name: string, m: Measurement): string =>
      `| ${name.padEnd(24)} | ${percentile(m.latencies, 50).toFixed(0).padStart(6)} | ${percentile(m.latencies, 99).toFixed(0).padStart(6)} | ${Math.round(
        m.delivered / seconds,
      )
        .toString()
        .padStart(12)} | ${((100 * m.delivered) / (expected * seconds)).toFixed(1).padStart(9)} |`;
    log('| path                     | p50 ms | p99 ms | delivered/s  | of sent % |');
    log('|--------------------------|--------|--------|--------------|-----------|');
    log(row('socket.io gateway', gatewayResult));
    log(row('redis pub/sub → ws', baselineResult));
    const kbPerConn = (connectedKb - idleKb) / clients;
    // Who was busy: a server at a full core, or a client process too busy to read (every latency then grows).
    const busy = (name: string, cpu: number[], servers: number, m: FleetMeasurement): string =>
      `${name}: server${servers > 1 ? 's' : ''} ${cpu
        .slice(0, servers)
        .map((s) => `${Math.round((100 * s) / seconds)}%`)
        .join(' + ')} of a core, clients ${cpu
        .slice(servers)
        .map((s) => `${Math.round((100 * s) / seconds)}%`)
        .join(' + ')} (event-loop delay p99 ${m.clientLoopDelayMs.p99.toFixed(0)} ms, max ${m.clientLoopDelayMs.max.toFixed(0)} ms)`;
    log(
      `CPU while measuring — ${busy('gateway', gatewayCpu, servers, gatewayResult)}; ${busy('baseline', baselineCpu, servers, baselineResult)}`,
    );
    log(
      `after a full GC: ${((connectedAfterGc.rss - idleAfterGc.rss) / clients).toFixed(1)} KB RSS and ${(
        (connectedAfterGc.heap - idleAfterGc.heap) /
        clients
      ).toFixed(1)} KB of JS heap per connection`,
    );
    log(
      `gateway RSS (${servers} process(es)): idle ${(idleKb / 1024).toFixed(1)} MB, ${clients} subscribed ${(connectedKb / 1024).toFixed(1)} MB, under load ${(loadedKb / 1024).toFixed(1)} MB`,
    );
    log(
      `RESULT gateway clients=${clients} p50_ms=${percentile(gatewayResult.latencies, 50).toFixed(0)} p99_ms=${percentile(gatewayResult.latencies, 99).toFixed(0)} delivered_per_s=${Math.round(gatewayResult.delivered / seconds)} kb_per_conn=${kbPerConn.toFixed(1)} kb_per_conn_after_gc=${((connectedAfterGc.rss - idleAfterGc.rss) / clients).toFixed(1)} baseline_p99_ms=${percentile(baselineResult.latencies, 99).toFixed(0)}`,
    );
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await backing.cleanup();
  }
}

runBench('bench:gateway', main);
