import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis, { Cluster } from 'ioredis';
import { waitFor } from './processes';

/**
 * Real Redis engines for the topology tests, from the installed redis-server (7.x): a Cluster of
 * masters with one replica each, and a Sentinel set (master, replica, three sentinels). Each node
 * runs in the foreground of a child process, so a test can SIGKILL it like a crashed machine.
 */

const canBind = (port: number): Promise<boolean> =>
  new Promise((resolveBind) => {
    const server = createServer();
    server.once('error', () => resolveBind(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveBind(true)));
  });

/** `count` consecutive free ports whose Cluster bus ports (port + 10000) are free too, below the ephemeral range. */
async function freePortRange(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const free = await Promise.all(ports.flatMap((port) => [canBind(port), canBind(port + 10_000)]));
    if (free.every(Boolean)) return ports;
  }
  throw new Error(`no ${count} free ports (with bus ports) found`);
}

export interface RedisNode {
  port: number;
  process: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function startNode(dir: string, port: number, args: string[]): RedisNode {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  return {
    port,
    process: child,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Runs `use` on a short-lived connection to one node (no retries: a dead node fails at once). */
async function onNode<T>(port: number, use: (node: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

async function pingable(port: number): Promise<void> {
  await waitFor(
    async () => ((await onNode(port, (node) => node.ping())) === 'PONG' ? true : undefined),
    10_000,
    `redis-server on port ${port}`,
  );
}

type SlotRanges = [from: number, to: number, master: [host: string, port: number, ...unknown[]], ...unknown[]][];

export interface TestRedisCluster {
  nodes: RedisNode[];
  /** REDIS_CLUSTER_NODES for the apps. */
  nodeList: string;
  /** A client on the cluster (for the test's own reads). */
  client: Cluster;
  /** The node serving the slot of `key` as master now. */
  masterOf(key: string): Promise<RedisNode>;
  /** Waits until every slot is served again (after a failover) and the cluster says ok. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A Redis Cluster of `masters` masters with one replica each, on free local ports. */
export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ioc-cluster-'));
  const ports = await freePortRange(masters * 2);
  const nodes = ports.map((port) =>
    startNode(dir, port, [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      // A dead master's replica is promoted after about this long.
      '--cluster-node-timeout',
      '1500',
      // A replica may take over however long its link was down (a test's machine may be slow).
      '--cluster-replica-validity-factor',
      '0',
    ]),
  );
  await Promise.all(ports.map(pingable));
  const created = spawnSync(
    'redis-cli',
    ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  const nodeList = ports.map((port) => `127.0.0.1:${port}`).join(',');
  const client = new Cluster(
    ports.map((port) => ({ host: '127.0.0.1', port })),
    { retryDelayOnFailover: 300, retryDelayOnClusterDown: 300, maxRedirections: 64 },
  );
  client.on('error', () => undefined);
  const byPort = new Map(nodes.map((node) => [node.port, node]));
  const living = () => nodes.filter((node) => node.process.exitCode === null && node.process.signalCode === null);

  const waitHealthy = async (timeoutMs = 30_000): Promise<void> => {
    await waitFor(
      async () => {
        const livePorts = new Set(living().map((node) => node.port));
        for (const node of living()) {
          const healthy = await onNode(node.port, async (probe) => {
            if (!String(await probe.cluster('INFO')).includes('cluster_state:ok')) return false;
            // Until the failure is detected, the nodes still name the dead master for its slots.
            const slots = (await probe.cluster('SLOTS')) as unknown as SlotRanges;
            return slots.every(([, , master]) => livePorts.has(master[1]));
          });
          if (!healthy) return undefined;
        }
        return true;
      },
      timeoutMs,
      'the Redis Cluster to report cluster_state:ok on every live node',
    );
  };
  await waitHealthy();
  // A replica can take over only once it has synchronised with its master.
  await waitFor(
    async () => {
      const ranges = (await client.cluster('SLOTS')) as unknown as SlotRanges;
      for (const [, , master] of ranges) {
        const info = await onNode(master[1], (node) => node.info('replication'));
        if (!/slave0:.*state=online/.test(info)) return undefined;
      }
      return true;
    },
    30_000,
    'every master to have an online replica',
  );

  return {
    nodes,
    nodeList,
    client,
    waitHealthy,
    masterOf: async (key) => {
      const slot = Number(await client.cluster('KEYSLOT', key));
      const slots = (await client.cluster('SLOTS')) as unknown as SlotRanges;
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      const node = range ? byPort.get(range[2][1]) : undefined;
      if (!node) throw new Error(`no master serves slot ${slot}`);
      return node;
    },
    stop: async () => {
      await client.quit().catch(() => client.disconnect());
      await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestRedisSentinel {
  masterName: string;
  /** REDIS_SENTINELS for the apps. */
  sentinelList: string;
  dataNodes: RedisNode[];
  client: Redis;
  /** The data node Sentinel names as master now. */
  currentMaster(): Promise<RedisNode>;
  /** Waits until the sentinels name a live master other than `previous`. */
  waitFailover(previous: RedisNode, timeoutMs?: number): Promise<RedisNode>;
  stop(): Promise<void>;
}

/** A master, one replica and three sentinels (quorum 2) on free local ports. */
export async function startRedisSentinel(masterName = 'ioc-master'): Promise<TestRedisSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'ioc-sentinel-'));
  const [masterPort, replicaPort, ...sentinelPorts] = await freePortRange(5);
  const master = startNode(dir, masterPort!, []);
  await pingable(masterPort!);
  const replica = startNode(dir, replicaPort!, ['--replicaof', '127.0.0.1', String(masterPort)]);
  await pingable(replicaPort!);
  const sentinels = sentinelPorts.map((port) => {
    const config = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${masterName} 1000`,
        `sentinel failover-timeout ${masterName} 5000`,
        `sentinel parallel-syncs ${masterName} 1`,
      ].join('\n') + '\n',
    );
    const child = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    return {
      port,
      process: child,
      kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      },
    } satisfies RedisNode;
  });
  await Promise.all(sentinelPorts.map((port) => pingable(port)));
  const dataNodes = [master, replica];
  const askSentinels = async (): Promise<RedisNode | undefined> => {
    for (const sentinel of sentinels) {
      const address = await onNode(
        sentinel.port,
        (probe) => probe.call('SENTINEL', 'get-master-addr-by-name', masterName) as Promise<[string, string] | null>,
      ).catch(() => null); // this sentinel is not answering; ask the next
      const node = address ? dataNodes.find((n) => n.port === Number(address[1])) : undefined;
      if (node) return node;
    }
    return undefined;
  };
  // The sentinels know the replica (and each other) once they have talked for a moment.
  await waitFor(
    () =>
      onNode(sentinelPorts[0]!, async (probe) => {
        const replicas = (await probe.call('SENTINEL', 'replicas', masterName)) as unknown[];
        const peers = (await probe.call('SENTINEL', 'sentinels', masterName)) as unknown[];
        return replicas.length >= 1 && peers.length >= 2 ? true : undefined;
      }),
    20_000,
    'the sentinels to discover the replica and each other',
  );
  const sentinelList = sentinelPorts.map((port) => `127.0.0.1:${port}`).join(',');
  const client = new Redis({ sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })), name: masterName });
  // Failovers are the point of the tests: connection errors on the way are expected.
  client.on('error', () => undefined);
  return {
    masterName,
    sentinelList,
    dataNodes,
    client,
    currentMaster: async () => {
      const node = await askSentinels();
      if (!node) throw new Error('no sentinel names a master');
      return node;
    },
    waitFailover: (previous, timeoutMs = 30_000) =>
      waitFor(
        async () => {
          const node = await askSentinels();
          return node && node !== previous ? node : undefined;
        },
        timeoutMs,
        'Sentinel to promote the replica',
      ),
    stop: async () => {
      // Closed while the sentinels still answer: a Sentinel client cut off mid-reconnect keeps retrying.
      await client.quit().catch(() => client.disconnect());
      await Promise.all([...sentinels, ...dataNodes].map((node) => node.kill('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
