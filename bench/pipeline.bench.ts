import { type ChildProcess, fork } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { IngestHeader, type IndicatorUpdate, SharedRedisKey, sharedRedisKey, streamKey } from '@ioc/contracts';
import { createPrismaClient } from '@ioc/persistence';
import { stablePort } from '@ioc/platform';
import { DEFAULT_LOCAL_UNIT_CODE } from '@ioc/seed';
import {
  AGGREGATOR_NODE_OPTIONS,
  createBenchBacking,
  log,
  percentile,
  REDIS_URL,
  sleep,
  spawnCompiled,
  waitForServer,
  startGateway,
  type BenchBacking,
} from './support/bench-backing';
import type { DisplayParentMessage, DisplaySetup, DisplayWorkerMessage, ProbeReceipt } from './support/pipeline-display';
import { runBench } from './support/run-bench';

/**
 * The path a user cares about, end to end with real processes: signed pushes over HTTP →
 * connectors (validation, source_events, queue) → aggregator → stream → gateway → socket.io
 * displays in worker processes.
 *
 *   npm run bench:pipeline -- nominal [events/s, default 1000] [displays, default 1000] [seconds, default 30] [connectors processes, default 1]
 *   npm run bench:pipeline -- saturation [events, default 200000] [displays, default 100] [connectors processes, default 2]
 *   AGGREGATOR_* variables in the environment (e.g. AGGREGATOR_PUBLISH_INTERVAL_MS) configure the aggregator.
 *   BENCH_CPU_PROF=<dir> writes a CPU profile of every app and display worker process (open it in Chrome DevTools).
 *
 * Background events (patient visits, one each) go to every commune but the probe's; ten times a
 * second a probe event goes to the probe commune, whose visit count the displays show: when a
 * display shows n, the n-th probe has reached the screen. Nominal reports event → screen latency
 * p50/p99 at a steady rate; saturation pushes 1,000-event requests as fast as the path takes
 * them and reports the sustained rate from the first request to the last event counted. Both end
 * by checking the province's count against the events accepted: `lost` must be 0.
 */
const mode = process.argv[2] === 'saturation' ? 'saturation' : 'nominal';
const arg = (index: number, fallback: number): number => Number(process.argv[index] ?? fallback);
const rate = mode === 'nominal' ? arg(3, 1000) : 0;
const totalEvents = mode === 'saturation' ? arg(3, 200_000) : 0;
const displays = arg(4, mode === 'nominal' ? 1000 : 100);
const seconds = mode === 'nominal' ? arg(5, 30) : 0;
const connectorsCount = arg(mode === 'nominal' ? 6 : 5, mode === 'nominal' ? 1 : 2);

// AGGREGATOR_* settings in the bench's environment go to the aggregator (e.g. AGGREGATOR_PUBLISH_ON_CHANGE=false
// for timer-only publishing, AGGREGATOR_PUBLISH_INTERVAL_MS, AGGREGATOR_DELIVERY_RESEND_MS), and are printed.
const aggregatorSettings = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('AGGREGATOR_') && entry[1] !== undefined),
);

const SECRET = randomBytes(24).toString('hex');
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const INDICATOR = 'health.visits_today';
const PROBE_UNIT = DEFAULT_LOCAL_UNIT_CODE;
const EVENTS_PER_REQUEST = 1000;
const DISPLAYS_PER_WORKER = 500;
const PROBE_INTERVAL_MS = 100;

interface Running {
  child: ChildProcess;
  url?: string;
}

/** A connectors process on a port of its own, sharing the database, Redis prefix and credentials key. */
async function startConnectors(backing: BenchBacking, credentialsKey: string): Promise<Running> {
  const port = await stablePort();
  const child = spawnCompiled('apps/connectors/src/main.js', {
    DATABASE_URL: backing.databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: backing.prefix,
    CONNECTORS_PORT: String(port),
    CONNECTORS_HOST: '127.0.0.1',
    CONNECTORS_METRICS_PORT: '0',
    CREDENTIALS_KEY: credentialsKey,
    CONNECTORS_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  const url = `http://127.0.0.1:${port}`;
  // The connectors have no /health route of their own: any answer will do.
  await waitForServer(`${url}/sources`, child, true);
  return { child, url };
}

interface DisplayWorker {
  child: ChildProcess;
  send(message: DisplayParentMessage): void;
  next<T extends DisplayWorkerMessage['type']>(type: T): Promise<Extract<DisplayWorkerMessage, { type: T }>>;
}

function startDisplayWorker(): DisplayWorker {
  const profileDir = process.env.BENCH_CPU_PROF;
  const child = fork(resolve(__dirname, 'support', 'pipeline-display.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // A worker exits by itself once it has reported, which writes its profile.
    execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const waiting = new Map<string, { resolve: (message: DisplayWorkerMessage) => void; reject: (error: Error) => void }>();
  child.on('message', (message: DisplayWorkerMessage) => waiting.get(message.type)?.resolve(message));
  // A worker that ends without answering fails the bench instead of leaving it waiting.
  child.on('exit', (code, signal) => {
    for (const [type, { reject }] of waiting) reject(new Error(`display worker exited (${signal ?? code}) before its ${type} message`));
  });
  return {
    child,
    send: (message) => child.send(message),
    next: (type) =>
      new Promise((resolveNext, reject) => {
        const resolveOnce = (message: DisplayWorkerMessage): void => {
          waiting.delete(type);
          (resolveNext as (message: DisplayWorkerMessage) => void)(message);
        };
        waiting.set(type, { resolve: resolveOnce, reject });
      }),
  };
}

const localIso = (ms: number): string => `${new Date(ms + 7 * 3600_000).toISOString().slice(0, 23)}+07:00`;

/** Sends one signed push of visit events; resolves with how many the connectors accepted. */
async function push(url: string, sourceId: string, units: string[], keyPrefix: string): Promise<number> {
  const now = Date.now();
  const events = units.map((unitCode, i) => ({
    idempotencyKey: `${keyPrefix}-${i}`,
    unitCode,
    occurredAt: localIso(now - 1000),
    kind: 'visits.recorded',
    kindClass: 'fact',
    values: { count: 1 },
    attributes: {},
  }));
  const body = JSON.stringify({ stream: 'visits', events });
  const timestamp = Math.floor(now / 1000);
  const signature = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
  const response = await fetch(`${url}/ingest/${sourceId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IngestHeader.Signature]: signature, [IngestHeader.Timestamp]: String(timestamp) },
    body,
  });
  if (response.status !== 202) throw new Error(`push answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return ((await response.json()) as { accepted: number }).accepted;
}

async function provinceCount(backing: BenchBacking): Promise<number> {
  const raw = await backing.redis.hget(sharedRedisKey(backing.prefix, SharedRedisKey.IndicatorLatest), streamKey(INDICATOR, '51'));
  return raw ? ((JSON.parse(raw) as IndicatorUpdate).value ?? 0) : 0;
}

async function main(): Promise<void> {
  const conditions =
    mode === 'nominal'
      ? `${rate} events/s for ${seconds} s, ${displays} displays`
      : `${totalEvents} events in requests of ${EVENTS_PER_REQUEST}, ${displays} displays`;
  log(
    `# bench:pipeline ${mode}: ${conditions}, ${connectorsCount} connectors process(es), 1 aggregator (${
      Object.entries(aggregatorSettings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'default settings'
    }), 1 gateway; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)}`,
  );
  const backing = await createBenchBacking('pipeline', 1);
  const children: ChildProcess[] = [];
  const workers: DisplayWorker[] = [];
  try {
    const credentialsKey = randomBytes(32).toString('base64');
    const connectors: Running[] = [];
    for (let i = 0; i < connectorsCount; i += 1) connectors.push(await startConnectors(backing, credentialsKey));
    children.push(...connectors.map((c) => c.child));
    children.push(
      spawnCompiled(
        'apps/aggregator/src/main.js',
        {
          DATABASE_URL: backing.databaseUrl,
          REDIS_URL,
          REDIS_PREFIX: backing.prefix,
          AGGREGATOR_METRICS_PORT: '0',
          ...aggregatorSettings,
        },
        AGGREGATOR_NODE_OPTIONS,
      ),
    );
    const gateway = await startGateway(backing, { GATEWAY_METRICS_PORT: '0', LIVE_MAX_UPDATES_PER_TILE_PER_S: '0' });
    children.push(gateway.child);

    const created = await fetch(`${connectors[0]!.url}/sources`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ name: 'Bench push', connectorType: 'push', config: {}, credentials: { hmacSecret: SECRET } }),
    });
    if (created.status !== 201) throw new Error(`creating the push source answered ${created.status}: ${await created.text()}`);
    const sourceId = ((await created.json()) as { id: string }).id;

    const prisma = createPrismaClient(backing.databaseUrl);
    const communes = (
      await prisma.administrativeUnit.findMany({
        where: { validTo: null, kind: { in: ['COMMUNE', 'WARD', 'SPECIAL_ZONE'] } },
        select: { code: true },
      })
    )
      .map((u) => u.code)
      .filter((code) => code !== PROBE_UNIT);
    const others = (
      await prisma.indicatorDefinition.findMany({
        where: { enabled: true, id: { not: INDICATOR } },
        select: { id: true },
        orderBy: { id: 'asc' },
        take: 4,
      })
    ).map((d) => d.id);
    await prisma.$disconnect();
    if (communes.length === 0) throw new Error('no communes in the seeded tree');

    const setup: Omit<DisplaySetup, 'displays'> = {
      url: gateway.url,
      apiKey: backing.displayKey,
      probe: { indicatorId: INDICATOR, unitCode: PROBE_UNIT },
      // 5 indicators × the probe commune and the province: 10 streams per display.
      tiles: [
        ...others.map((indicatorId) => ({ indicatorId, unitCode: PROBE_UNIT })),
        ...[INDICATOR, ...others].map((indicatorId) => ({ indicatorId, unitCode: '51' })),
      ],
    };
    for (let left = displays; left > 0; left -= DISPLAYS_PER_WORKER) {
      const worker = startDisplayWorker();
      workers.push(worker);
      const connected = worker.next('connected');
      worker.send({ type: 'connect', setup: { ...setup, displays: Math.min(DISPLAYS_PER_WORKER, left) } });
      await connected;
    }
    log(`# ${displays} displays subscribed over ${workers.length} worker process(es)`);

    let accepted = 0;
    let requests = 0;
    let probes = 0;
    let pushing = true;
    const probeRoundTrips: number[] = [];
    const connectorUrl = () => connectors[requests++ % connectors.length]!.url!;
    const probeLoop = (async () => {
      while (pushing) {
        const n = probes + 1;
        const at = Date.now();
        const taken = await push(connectorUrl(), sourceId, [PROBE_UNIT], `probe-${n}`);
        accepted += taken;
        probeRoundTrips.push(Date.now() - at);
        probes = n;
        for (const worker of workers) worker.send({ type: 'probe-sent', n, at });
        await sleep(Math.max(0, at + PROBE_INTERVAL_MS - Date.now()));
      }
    })();
    const background = (count: number, tag: string): Promise<number> =>
      push(
        connectorUrl(),
        sourceId,
        Array.from({ length: count }, (_, i) => communes[(requests * 7919 + i) % communes.length]!),
        tag,
      );

    const started = Date.now();
    let batches = 0;
    if (mode === 'nominal') {
      // Ten sends a second, each a tenth of the rate.
      const perTick = Math.max(1, Math.round(rate / 10));
      const sends: Promise<void>[] = [];
      for (let tick = 0; Date.now() - started < seconds * 1000; tick += 1) {
        sends.push(background(perTick, `bg-${tick}`).then((n) => void (accepted += n)));
        batches += 1;
        await sleep(Math.max(0, started + (tick + 1) * 100 - Date.now()));
      }
      await Promise.all(sends);
    } else {
      const inFlight = 4 * connectorsCount;
      let next = 0;
      const requestsNeeded = Math.ceil(totalEvents / EVENTS_PER_REQUEST);
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          for (let index = next++; index < requestsNeeded; index = next++) {
            const taken = await background(Math.min(EVENTS_PER_REQUEST, totalEvents - index * EVENTS_PER_REQUEST), `bg-${index}`);
            accepted += taken;
            batches += 1;
          }
        }),
      );
    }
    pushing = false;
    await probeLoop;
    const sentMs = Date.now() - started;
    // Every accepted event reaches the province's visit count, or it was lost.
    let counted = 0;
    let countedAt = Date.now();
    for (let stable = 0; stable < 50 && counted < accepted;) {
      const now = await provinceCount(backing);
      if (now === counted) stable += 1;
      else {
        stable = 0;
        counted = now;
        countedAt = Date.now();
      }
      await sleep(100);
    }
    const endToEndS = (countedAt - started) / 1000;
    for (const worker of workers) worker.send({ type: 'finish' });
    const reports = await Promise.all(workers.map((worker) => worker.next('report')));
    const receipts = reports.flatMap((r) => r.receipts);
    const sorted = (stage: keyof ProbeReceipt): number[] => receipts.map((r) => r[stage]).sort((a, b) => a - b);
    const latencies = sorted('totalMs');
    const stage = (values: number[]): string => `p50 ${percentile(values, 50).toFixed(0)} / p99 ${percentile(values, 99).toFixed(0)} ms`;
    const errors = reports.reduce<Record<string, number>>((all, r) => {
      for (const [message, n] of Object.entries(r.errors)) all[message] = (all[message] ?? 0) + n;
      return all;
    }, {});
    const eventsPerS = Math.round(counted / endToEndS);
    log(
      `# sent ${accepted} accepted events (${probes} probes) in ${batches} background requests over ${(sentMs / 1000).toFixed(1)} s; counted ${counted} after ${endToEndS.toFixed(1)} s`,
    );
    log(
      `# probe event → screen: ${latencies.length} receipts, p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(0)} ms`,
    );
    log(
      `# of which send → publish round start (connectors, queue, aggregation, waiting for a round): ${stage(sorted('toPublishMs'))}; round start → screen (the round, stream, gateway, socket): ${stage(sorted('publishToScreenMs'))}`,
    );
    log(
      `# display workers' event-loop delay (a client busy is a receipt late): ${reports
        .map((r) => `p99 ${r.loopDelay.p99.toFixed(0)} / max ${r.loopDelay.max.toFixed(0)} ms`)
        .join(', ')}`,
    );
    probeRoundTrips.sort((a, b) => a - b);
    log(
      `# probe push round trip (signed POST → 202): p50 ${percentile(probeRoundTrips, 50)} ms, p99 ${percentile(probeRoundTrips, 99)} ms`,
    );
    log(
      `# display updates received: ${reports.reduce((n, r) => n + r.updates, 0)}; connection errors: ${JSON.stringify(errors)}; load ${loadavg()[0]!.toFixed(1)}`,
    );
    log(
      `RESULT pipeline events_per_s=${eventsPerS} p50_ms=${percentile(latencies, 50).toFixed(0)} p99_ms=${percentile(latencies, 99).toFixed(0)} displays=${displays} lost=${accepted - counted}`,
    );
  } finally {
    for (const worker of workers) worker.child.kill('SIGKILL');
    for (const child of children) child.kill('SIGTERM');
    await sleep(1000);
    await backing.cleanup();
  }
}

runBench('bench:pipeline', main);
