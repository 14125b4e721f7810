import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { IndicatorUpdate } from '@ioc/contracts';
import { connectDisplays, type DisplaySocket, measure } from './display-clients';

/**
 * One worker process of a display fleet (display-fleet.ts): holds a share of the benchmark's
 * clients, so a benchmark is not capped by one process's descriptor limit, and reports the
 * latencies it measured as a histogram of whole milliseconds. Driven by its parent over IPC.
 */
export type FleetTarget =
  /** socket.io displays subscribed to a dashboard, round-robin over the gateways' ports. */
  | { kind: 'socket.io'; ports: number[]; apiKey: string; dashboard: string }
  /** Plain `ws` clients of the pub/sub baseline servers, round-robin over their ports. */
  | { kind: 'ws'; ports: number[] };

export type FleetCommand =
  { type: 'connect'; target: FleetTarget; clients: number } | { type: 'start' } | { type: 'stop' } | { type: 'close' };

export type FleetReport =
  | { type: 'connected' }
  | { type: 'failed'; message: string }
  /**
   * `histogram[i]` = [latency in ms, how many deliveries had it]; `loopDelayMs`: this worker's own
   * event-loop delay while measuring (a client too busy to read makes every latency longer).
   */
  | { type: 'result'; delivered: number; histogram: [number, number][]; loopDelayMs: { p99: number; max: number } };

const report = (message: FleetReport): void => void process.send!(message);

async function connectWs(ports: number[], count: number, onUpdate: (update: IndicatorUpdate) => void): Promise<WebSocket[]> {
  const clients: WebSocket[] = [];
  for (let i = 0; i < count; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - i) }, (_, j) => {
        const ws = new WebSocket(`ws://127.0.0.1:${ports[(i + j) % ports.length]!}`);
        clients.push(ws);
        ws.on('message', (data: Buffer) => onUpdate(JSON.parse(data.toString()) as IndicatorUpdate));
        return new Promise<void>((resolveOpen, reject) => {
          ws.on('open', () => resolveOpen());
          ws.on('error', reject);
        });
      }),
    );
  }
  return clients;
}

const measurement = measure();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let close: () => void = () => undefined;

process.on('message', (command: FleetCommand) => {
  switch (command.type) {
    case 'connect': {
      const { target, clients } = command;
      const connected =
        target.kind === 'ws'
          ? connectWs(target.ports, clients, measurement.onUpdate).then((sockets) => () => sockets.forEach((ws) => ws.terminate()))
          : connectDisplays(target.ports, clients, target.apiKey, target.dashboard, measurement.onUpdate).then(
              (sockets: DisplaySocket[]) => () => sockets.forEach((socket) => socket.disconnect()),
            );
      connected.then(
        (closeAll) => {
          close = closeAll;
          report({ type: 'connected' });
        },
        (error: unknown) => report({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
      break;
    }
    case 'start':
      measurement.start();
      loopDelay.enable();
      break;
    case 'stop': {
      const { latencies, delivered } = measurement.result();
      const counts = new Map<number, number>();
      for (const latency of latencies) counts.set(latency, (counts.get(latency) ?? 0) + 1);
      loopDelay.disable();
      const loopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      report({ type: 'result', delivered, histogram: [...counts], loopDelayMs });
      break;
    }
    case 'close':
      close();
      process.disconnect();
      break;
  }
});
