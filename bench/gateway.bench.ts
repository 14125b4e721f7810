import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import type { IndicatorUpdate } from '@ioc/contracts';
import {
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
import { connectDisplays, type DisplaySocket, type Measurement, measure } from './support/display-clients';
import { runBench } from './support/run-bench';

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
const clients = Number(process.argv[2] ?? 1000);
const rate = Number(process.argv[3] ?? 20);
const seconds = Number(process.argv[4] ?? 10);
const WARMUP_S = 2;
const TILES = 20;

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
  log(`# gateway benchmark: ${clients} clients × ${TILES} tiles, ${rate} updates/s for ${seconds} s (warm-up ${WARMUP_S} s)`);
  const backing = await createBenchBacking('bench-20', TILES);
  const { redis, prefix, tiles, displayKey } = backing;
  const children: ChildProcess[] = [];
  const sockets: DisplaySocket[] = [];
  try {
    // --- gateway -------------------------------------------------------------------------
    const { child: gateway, port } = await startGateway(backing, { GATEWAY_METRICS_PORT: '0', LIVE_MAX_MESSAGES_PER_10S: '1000' });
    children.push(gateway);
    await sleep(500);
    const idleKb = rssKb(gateway.pid!);
    const gatewayStats = measure();
    sockets.push(...(await connectDisplays([port], clients, displayKey, 'bench-20', gatewayStats.onUpdate)));
    await sleep(1000);
    const connectedKb = rssKb(gateway.pid!);
    const gatewayPublisher = startPublisher((update) => publishUpdate(backing, update), tiles, rate);
    await sleep(WARMUP_S * 1000);
    gatewayStats.start();
    await sleep(seconds * 1000);
    const gatewayResult = gatewayStats.result();
    await gatewayPublisher.stop();
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
    const baselinePublisher = startPublisher((update) => redis.publish(channel, JSON.stringify(update)), tiles, rate);
    await sleep(WARMUP_S * 1000);
    baselineStats.start();
    await sleep(seconds * 1000);
    const baselineResult = baselineStats.result();
    await baselinePublisher.stop();
    for (const ws of wsClients) ws.terminate();

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
    log(
      `gateway RSS: idle ${(idleKb / 1024).toFixed(1)} MB, ${clients} subscribed ${(connectedKb / 1024).toFixed(1)} MB, under load ${(loadedKb / 1024).toFixed(1)} MB`,
    );
    log(
      `RESULT gateway clients=${clients} p50_ms=${percentile(gatewayResult.latencies, 50).toFixed(0)} p99_ms=${percentile(gatewayResult.latencies, 99).toFixed(0)} delivered_per_s=${Math.round(gatewayResult.delivered / seconds)} kb_per_conn=${kbPerConn.toFixed(1)} baseline_p99_ms=${percentile(baselineResult.latencies, 99).toFixed(0)}`,
    );
  } finally {
    for (const socket of sockets) socket.disconnect();
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await backing.cleanup();
  }
}

runBench('bench:gateway', main);
