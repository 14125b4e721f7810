import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { type EventBatchJob, type IndicatorUpdate, partitionKeyTag } from '@ioc/contracts';
import { createPrismaClient } from '@ioc/persistence';
import type { RedisClient } from '@ioc/platform';
import { EventQueues } from '@ioc/queues';
import { eventMix } from '../test/support/event-mix';
import { startRedisCluster, type TestRedisCluster } from '../test/support/redis-engines';
import {
  REDIS_URL,
  createBenchBacking,
  cpuSeconds,
  log,
  percentile,
  publishUpdate,
  rssKb,
  sleep,
  spawnCompiled,
  AGGREGATOR_NODE_OPTIONS,
  startGateway,
  startPublisher,
  stopChild,
  type BenchBacking,
} from './support/bench-backing';
import { connectDisplays, measure, type DisplaySocket } from './support/display-clients';
import { runBench } from './support/run-bench';

/**
 * `npm run bench:scale [-- --events=N --clients=N --rate=N --seconds=N]`: how the system grows
 * with more Redis shards and more processes, on this machine.
 *
 * 1. Aggregation: the same event mix through P partitions (P aggregator processes, one partition
 *    each), on the local single Redis with P = 1, 2 and on a local Redis Cluster (3 masters,
 *    3 replicas) with P = 1, 2, 4. Reports events/s and the CPU each aggregator process and each
 *    Redis master spent, from which it projects the rate with one core per process and shard.
 * 2. Fan-out: `clients` wall displays of one 20-tile dashboard spread over 1, then 3 gateway
 *    processes, `rate` updates/s: event-to-screen p50/p99 and gateway memory.
 *
 * Everything shares this machine's cores, so the measured totals are bounded by it; the
 * projections assume each process and shard on a core of its own, and say so.
 */
const arg = (name: string, fallback: number): number => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
};
const EVENTS = arg('events', 200_000);
const BATCH = 1000;
const CLIENTS = arg('clients', 10_000);
const RATE = arg('rate', 2);
const SECONDS = arg('seconds', 10);
const TILES = 20;

interface Engine {
  name: string;
  /** What the apps' environment adds to name the engine. */
  env: Record<string, string>;
  connect(): RedisClient;
  /** Processes that serve `prefix`'s partitions as masters, by partition. */
  masters(prefix: string, partitions: number): Promise<{ pid: number; port: number }[]>;
}

function singleEngine(): Engine {
  const info = new Redis(REDIS_URL);
  return {
    name: 'single Redis',
    env: {},
    connect: () => new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
    masters: async (_prefix, partitions) => {
      const pid = Number(/process_id:(\d+)/.exec(await info.info('server'))?.[1]);
      return Array.from({ length: partitions }, () => ({ pid, port: Number(new URL(REDIS_URL).port || 6379) }));
    },
  };
}

function clusterEngine(cluster: TestRedisCluster): Engine {
  return {
    name: 'Redis Cluster 3+3',
    env: { REDIS_CLUSTER_NODES: cluster.nodeList },
    connect: () => cluster.client.duplicate(),
    masters: (prefix, partitions) =>
      Promise.all(
        Array.from({ length: partitions }, async (_, p) => {
          const node = await cluster.masterOf(`${partitionKeyTag(prefix, p)}:agg:fresh`);
          return { pid: node.process.pid!, port: node.port };
        }),
      ),
  };
}

/**
 * A prefix whose partitions sit on as many different masters as there are (what an operator
 * gets by moving slots with `redis-cli --cluster reshard`); a random one may stack them.
 */
async function spreadPrefix(engine: Engine, partitions: number): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const prefix = `ioc-scale-${randomBytes(4).toString('hex')}`;
    const ports = new Set((await engine.masters(prefix, partitions)).map((m) => m.port));
    if (engine.env.REDIS_CLUSTER_NODES === undefined || ports.size >= Math.min(partitions, 3)) return prefix;
  }
  throw new Error(`no prefix spreads ${partitions} partitions over the masters`);
}

async function drained(queues: EventQueues): Promise<void> {
  for (;;) {
    let pending = 0;
    for (const queue of queues.queues) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'paused', 'prioritized', 'failed');
      if ((counts.failed ?? 0) > 0) throw new Error(`${counts.failed} batches failed`);
      pending += (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.paused ?? 0) + (counts.prioritized ?? 0);
    }
    if (pending === 0) return;
    await sleep(20);
  }
}

interface AggregationRun {
  engine: string;
  partitions: number;
  eventsPerS: number;
  seconds: number;
  /** CPU seconds of each aggregator process, and of each distinct master, over the run. */
  aggregatorCpu: number[];
  masterCpu: Map<number, number>;
}

async function aggregationRun(backing: BenchBacking, engine: Engine, partitions: number, jobs: EventBatchJob[]): Promise<AggregationRun> {
  const prefix = await spreadPrefix(engine, partitions);
  const connection = engine.connect();
  const queues = new EventQueues(connection, prefix, partitions);
  const aggregators: ChildProcess[] = [];
  try {
    for (let p = 0; p < partitions; p += 1) {
      aggregators.push(
        spawnCompiled(
          'apps/aggregator/src/main.js',
          {
            DATABASE_URL: backing.databaseUrl,
            REDIS_URL,
            REDIS_PREFIX: prefix,
            AGGREGATION_PARTITIONS: String(partitions),
            AGGREGATOR_PARTITIONS: String(p),
            AGGREGATOR_METRICS_PORT: '0',
            ...engine.env,
          },
          AGGREGATOR_NODE_OPTIONS,
        ),
      );
    }
    for (let tries = 0; (await queues.minWorkersCount()) === 0; tries += 1) {
      if (tries > 300) throw new Error('the aggregators did not start');
      await sleep(100);
    }
    await Promise.all(queues.queues.map((queue) => queue.pause()));
    for (let i = 0; i < jobs.length; i += 50) {
      await queues.add(jobs.slice(i, i + 50).map((data, j) => ({ name: 'batch', data, jobId: `scale-${i + j}` })));
    }
    const masters = await engine.masters(prefix, partitions);
    const distinctMasters = [...new Set(masters.map((m) => m.pid))];
    const cpuBefore = { aggregators: aggregators.map((a) => cpuSeconds(a.pid!)), masters: distinctMasters.map(cpuSeconds) };
    const started = process.hrtime.bigint();
    await Promise.all(queues.queues.map((queue) => queue.resume()));
    await drained(queues);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const events = jobs.reduce((n, job) => n + job.events.length, 0);
    const run: AggregationRun = {
      engine: engine.name,
      partitions,
      eventsPerS: events / seconds,
      seconds,
      aggregatorCpu: aggregators.map((a, i) => cpuSeconds(a.pid!) - cpuBefore.aggregators[i]!),
      masterCpu: new Map(distinctMasters.map((pid, i) => [pid, cpuSeconds(pid) - cpuBefore.masters[i]!])),
    };
    const perProcess = run.aggregatorCpu.map((cpu) => `${cpu.toFixed(1)}`).join('/');
    const perMaster = [...run.masterCpu.values()].map((cpu) => cpu.toFixed(1)).join('/');
    log(
      `${engine.name}, P=${partitions}: ${events} events in ${seconds.toFixed(2)} s = ${Math.round(run.eventsPerS)} events/s; CPU s: aggregators ${perProcess}, masters ${perMaster} (${distinctMasters.length} of them)`,
    );
    return run;
  } finally {
    await Promise.all(aggregators.map(stopChild));
    await queues.close();
    await cleanPrefix(connection, prefix, partitions);
    connection.disconnect();
  }
}

async function cleanPrefix(connection: RedisClient, prefix: string, partitions: number): Promise<void> {
  const nodes = 'nodes' in connection ? connection.nodes('master') : [connection];
  for (const node of nodes) {
    for (let p = 0; p < partitions; p += 1) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${partitionKeyTag(prefix, p)}*`, 'COUNT', 1000);
        // One key at a time: on a Cluster, keys of one tag share a slot, but a bulk call may not span nodes.
        for (const key of keys) await node.unlink(key);
        cursor = next;
      } while (cursor !== '0');
    }
  }
}

/**
 * The rate if each process (or shard) had a core of its own: the run's work stays the same, so it
 * would take as long as its busiest member's CPU seconds.
 */
const withOwnCores = (events: number, cpu: Iterable<number>): number => events / Math.max(...cpu);

interface FanOutRun {
  p50: number;
  p99: number;
  kbPerConn: number;
  deliveredPct: number;
  /** Deliveries per CPU second of the busiest gateway process: what one gateway core sustains. */
  deliveriesPerGatewayCpuS: number;
}

async function fanOutRun(backing: BenchBacking, gateways: number): Promise<FanOutRun> {
  const started = await Promise.all(
    Array.from({ length: gateways }, () => startGateway(backing, { GATEWAY_METRICS_PORT: '0', LIVE_MAX_MESSAGES_PER_10S: '1000' })),
  );
  let sockets: DisplaySocket[] = [];
  try {
    await sleep(500);
    const idleKb = started.reduce((sum, g) => sum + rssKb(g.child.pid!), 0);
    const stats = measure();
    sockets = await connectDisplays(
      started.map((g) => g.port),
      CLIENTS,
      backing.displayKey,
      'bench-scale',
      stats.onUpdate,
    );
    await sleep(1000);
    const connectedKb = started.reduce((sum, g) => sum + rssKb(g.child.pid!), 0);
    const publisher = startPublisher((update: IndicatorUpdate) => publishUpdate(backing, update), backing.tiles, RATE);
    await sleep(2000);
    const cpuBefore = started.map((g) => cpuSeconds(g.child.pid!));
    stats.start();
    await sleep(SECONDS * 1000);
    const result = stats.result();
    const gatewayCpu = started.map((g, i) => cpuSeconds(g.child.pid!) - cpuBefore[i]!);
    await publisher.stop();
    const run: FanOutRun = {
      p50: percentile(result.latencies, 50),
      p99: percentile(result.latencies, 99),
      kbPerConn: (connectedKb - idleKb) / CLIENTS,
      deliveredPct: (100 * result.delivered) / (CLIENTS * RATE * SECONDS),
      deliveriesPerGatewayCpuS: result.delivered / gateways / Math.max(...gatewayCpu),
    };
    log(
      `${CLIENTS} displays over ${gateways} gateway(s), ${RATE} updates/s: p50 ${run.p50} ms, p99 ${run.p99} ms, ${run.deliveredPct.toFixed(1)}% delivered, ${run.kbPerConn.toFixed(1)} KB per connection; gateway CPU s ${gatewayCpu.map((cpu) => cpu.toFixed(1)).join('/')} = ${Math.round(run.deliveriesPerGatewayCpuS)} deliveries per gateway CPU second`,
    );
    return run;
  } finally {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(started.map((g) => stopChild(g.child)));
  }
}

async function main(): Promise<void> {
  log(`# scale benchmark: ${EVENTS} events per aggregation run; ${CLIENTS} displays at ${RATE} updates/s for ${SECONDS} s per fan-out run`);
  const backing = await createBenchBacking('bench-scale', TILES);
  let cluster: TestRedisCluster | undefined;
  try {
    const prisma = createPrismaClient(backing.databaseUrl);
    const units = await prisma.administrativeUnit.findMany({ where: { validTo: null, children: { none: {} } } });
    await prisma.$disconnect();
    const now = Date.now();
    const startOfDay = new Date(new Date(now + 7 * 3600_000).toISOString().slice(0, 10) + 'T00:00:00+07:00').getTime();
    const events = eventMix({ units, count: EVENTS, fromMs: startOfDay, toMs: now, seed: 7, sourceId: 'bench', keyPrefix: 'scale' });
    const jobs: EventBatchJob[] = [];
    for (let i = 0; i < events.length; i += BATCH) jobs.push({ sourceId: 'bench', stream: 'mixed', events: events.slice(i, i + BATCH) });

    cluster = await startRedisCluster(3);
    const single = singleEngine();
    const onCluster = clusterEngine(cluster);
    const runs: AggregationRun[] = [];
    for (const [engine, partitions] of [
      [single, 1],
      [single, 2],
      [onCluster, 1],
      [onCluster, 2],
      [onCluster, 4],
    ] as const) {
      runs.push(await aggregationRun(backing, engine, partitions, jobs));
    }
    log('');
    await cluster.stop();
    cluster = undefined;
    log('Projected: the same run with a core per aggregator process and per Redis master (limited by the busiest of each).');
    log('| engine             | P | events/s measured | vs single P=1 | aggregators limit  | masters limit  | projected |');
    log('|--------------------|---|-------------------|---------------|--------------------|----------------|-----------|');
    const base = runs[0]!.eventsPerS;
    for (const run of runs) {
      const aggregatorsLimit = withOwnCores(EVENTS, run.aggregatorCpu);
      const mastersLimit = withOwnCores(EVENTS, run.masterCpu.values());
      const cells = [
        run.engine.padEnd(18),
        String(run.partitions),
        Math.round(run.eventsPerS).toString().padStart(17),
        `${(run.eventsPerS / base).toFixed(2)}×`.padStart(13),
        Math.round(aggregatorsLimit).toString().padStart(18),
        Math.round(mastersLimit).toString().padStart(14),
        Math.round(Math.min(aggregatorsLimit, mastersLimit)).toString().padStart(9),
      ];
      log(`| ${cells.join(' | ')} |`);
    }
    log('');
    const oneGateway = await fanOutRun(backing, 1);
    const threeGateways = await fanOutRun(backing, 3);
    const cell = (run: AggregationRun | undefined): number => Math.round(run?.eventsPerS ?? NaN);
    const perCore = [oneGateway, threeGateways].map((run) => run.deliveriesPerGatewayCpuS);
    log(
      `Projected fan-out: ${Math.round(Math.min(...perCore))}–${Math.round(Math.max(...perCore))} deliveries/s per gateway core, so N gateway cores serve N × that (${CLIENTS} displays at ${RATE} updates/s need ${((CLIENTS * RATE) / Math.min(...perCore)).toFixed(1)} gateway cores)`,
    );
    log(
      `RESULT scale single_p1=${cell(runs[0])} single_p2=${cell(runs[1])} cluster_p1=${cell(runs[2])} cluster_p2=${cell(runs[3])} cluster_p4=${cell(runs[4])} gateway1_p99_ms=${oneGateway.p99} gateway3_p99_ms=${threeGateways.p99} clients=${CLIENTS}`,
    );
  } finally {
    await cluster?.stop();
    await backing.cleanup();
  }
}

runBench('bench:scale', main);
