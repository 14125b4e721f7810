import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { Measurement } from './display-clients';
import type { FleetCommand, FleetReport, FleetTarget } from './display-worker';

/** Clients per worker process: well under the 20,000 descriptors one process may open here; one process per 10,000 also leaves the servers a core on this 2-core machine. */
export const CLIENTS_PER_WORKER = 10_000;

export interface FleetMeasurement extends Measurement {
  /** The busiest worker's event-loop delay while measuring (ms). */
  clientLoopDelayMs: { p99: number; max: number };
}

export interface DisplayFleet {
  /** Starts counting deliveries (after the warm-up). */
  start(): void;
  /** Stops counting; every worker's deliveries and latencies together, and the worst of their event-loop delays. */
  stop(): Promise<FleetMeasurement>;
  close(): Promise<void>;
  readonly pids: number[];
}

function next<T extends FleetReport['type']>(child: ChildProcess, ...types: T[]): Promise<Extract<FleetReport, { type: T }>> {
  return new Promise((resolveNext, reject) => {
    const onMessage = (message: FleetReport): void => {
      if (!types.includes(message.type as T)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolveNext(message as Extract<FleetReport, { type: T }>);
    };
    const onExit = (code: number | null): void => reject(new Error(`display worker ${child.pid} exited with ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** `clients` displays (or baseline clients) spread over worker processes, all connected when this resolves. */
export async function startDisplayFleet(target: FleetTarget, clients: number): Promise<DisplayFleet> {
  const workerCount = Math.max(1, Math.ceil(clients / CLIENTS_PER_WORKER));
  const workers = Array.from({ length: workerCount }, () =>
    fork(resolve(__dirname, 'display-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const send = (child: ChildProcess, command: FleetCommand): void => void child.send(command);
  const close = async (): Promise<void> => {
    await Promise.all(
      workers.map((child) => {
        if (!child.connected) return Promise.resolve();
        const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
        send(child, { type: 'close' });
        return exited;
      }),
    );
  };
  try {
    const answers = await Promise.all(
      workers.map((child, i) => {
        const share = Math.floor(clients / workerCount) + (i < clients % workerCount ? 1 : 0);
        const answer = next(child, 'connected', 'failed');
        send(child, { type: 'connect', target, clients: share });
        return answer;
      }),
    );
    const failed = answers.find((answer) => answer.type === 'failed');
    if (failed?.type === 'failed') throw new Error(`a display worker could not connect: ${failed.message}`);
  } catch (error) {
    workers.forEach((child) => child.kill());
    throw error;
  }
  return {
    pids: workers.map((child) => child.pid!),
    start: () => workers.forEach((child) => send(child, { type: 'start' })),
    stop: async () => {
      const results = await Promise.all(
        workers.map((child) => {
          const result = next(child, 'result');
          send(child, { type: 'stop' });
          return result;
        }),
      );
      const latencies: number[] = [];
      for (const [latency, count] of results.flatMap((result) => result.histogram)) {
        for (let i = 0; i < count; i += 1) latencies.push(latency);
      }
      return {
        latencies: latencies.sort((a, b) => a - b),
        delivered: results.reduce((sum, result) => sum + result.delivered, 0),
        clientLoopDelayMs: {
          p99: Math.max(...results.map((result) => result.loopDelayMs.p99)),
          max: Math.max(...results.map((result) => result.loopDelayMs.max)),
        },
      };
    },
    close,
  };
}
