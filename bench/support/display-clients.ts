import { io, type Socket } from 'socket.io-client';
import { type ClientToServerEvents, LIVE_NAMESPACE, type ServerToClientEvents } from '@ioc/contracts';

export type DisplaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Measurement {
  latencies: number[];
  delivered: number;
}

/** Counts receipts after start(); latency = receipt time − asOf (publish time, same clock). */
export function measure(): { onUpdate: (update: { asOf: string }) => void; start: () => void; result: () => Measurement } {
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

/**
 * Connects `count` wall displays (websocket transport, no reconnection), round-robin over the
 * gateway ports, 200 at a time, each subscribed to `dashboard`; resolves once all are subscribed.
 */
export async function connectDisplays(
  ports: readonly number[],
  count: number,
  apiKey: string,
  dashboard: string,
  onUpdate: (update: { asOf: string }) => void,
): Promise<DisplaySocket[]> {
  const sockets: DisplaySocket[] = [];
  for (let i = 0; i < count; i += 200) {
    const batch = Array.from({ length: Math.min(200, count - i) }, (_, j) => {
      const port = ports[(i + j) % ports.length]!;
      const socket: DisplaySocket = io(`http://127.0.0.1:${port}${LIVE_NAMESPACE}`, {
        auth: { apiKey },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      socket.on('update', onUpdate);
      socket.on('updates', (updates) => updates.forEach(onUpdate));
      return new Promise<void>((resolveSubscribed, reject) => {
        socket.on('connect_error', reject);
        socket.on('error', (error) => reject(new Error(error.message)));
        socket.on('connect', () =>
          socket.emit('subscribe', { indicators: [], units: [], dashboard }, (ack) =>
            ack.ok ? resolveSubscribed() : reject(new Error(ack.error?.message)),
          ),
        );
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}
