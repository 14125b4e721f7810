import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { type ClientToServerEvents, type IndicatorUpdate, LIVE_NAMESPACE, type ServerToClientEvents, streamKey } from '@ioc/contracts';

/**
 * One worker process of bench:pipeline: holds a share of the wall displays, each a socket.io
 * client subscribed to the probe tile and the other tiles of the bench. The probe tile counts
 * the probe events; when it shows n, the n-th probe event has reached the screen, and its
 * latency is receipt time minus the send time the parent announces, split at the update's asOf
 * (when the aggregator's publish round began). Driven over IPC.
 */
export interface DisplaySetup {
  url: string;
  apiKey: string;
  displays: number;
  tiles: { indicatorId: string; unitCode: string }[];
  probe: { indicatorId: string; unitCode: string };
}

export type DisplayParentMessage =
  { type: 'connect'; setup: DisplaySetup } | { type: 'probe-sent'; n: number; at: number } | { type: 'finish' };

export type DisplayWorkerMessage =
  | { type: 'connected'; displays: number }
  | {
      type: 'report';
      receipts: ProbeReceipt[];
      updates: number;
      errors: Record<string, number>;
      /** This worker's event-loop delay once connected (ms): a receipt is late by this much when the client itself was busy. */
      loopDelay: { p99: number; max: number };
    };

/** One probe shown on a display: event → screen, and its two stages either side of the publish round's start. */
export interface ProbeReceipt {
  totalMs: number;
  /** Send → the start of the publish round that carried it (connectors, queue, aggregation, the wait for a round). */
  toPublishMs: number;
  /** That start → the screen (the round's work, the stream, the gateway's fan-out, the socket). */
  publishToScreenMs: number;
}

const send = (message: DisplayWorkerMessage): void => void process.send!(message);
const sentAt = new Map<number, number>();
interface Shown {
  n: number;
  receivedAt: number;
  asOf: number;
}
/** Probe counts a display showed before the parent's send time for them arrived. */
const early: Shown[] = [];
const receipts: ProbeReceipt[] = [];
const errors: Record<string, number> = {};
const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
let updates = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const receipt = ({ receivedAt, asOf }: Shown, at: number): ProbeReceipt => ({
  totalMs: receivedAt - at,
  toPublishMs: asOf - at,
  publishToScreenMs: receivedAt - asOf,
});

function record(shown: Shown): void {
  const at = sentAt.get(shown.n);
  if (at === undefined) early.push(shown);
  else receipts.push(receipt(shown, at));
}

async function connect(setup: DisplaySetup): Promise<void> {
  const probeKey = streamKey(setup.probe.indicatorId, setup.probe.unitCode);
  const tiles = [setup.probe, ...setup.tiles];
  await Promise.all(
    Array.from({ length: setup.displays }, async () => {
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${setup.url}${LIVE_NAMESPACE}`, {
        auth: { apiKey: setup.apiKey },
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
      sockets.push(socket);
      let shown = 0;
      const show = (update: IndicatorUpdate): void => {
        updates += 1;
        if (streamKey(update.indicatorId, update.unitCode) !== probeKey || update.value === null) return;
        // Coalesced updates skip counts: the latest probe shown is the one whose latency counts.
        if (update.value > shown) record({ n: update.value, receivedAt: Date.now(), asOf: Date.parse(update.asOf) });
        shown = Math.max(shown, update.value);
      };
      socket.on('update', show);
      socket.on('updates', (batch) => batch.forEach(show));
      socket.on('connect_error', (error) => (errors[error.message] = (errors[error.message] ?? 0) + 1));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () =>
          socket.emit(
            'subscribe',
            { indicators: [...new Set(tiles.map((t) => t.indicatorId))], units: [...new Set(tiles.map((t) => t.unitCode))] },
            (ack) => (ack.ok ? resolve() : reject(new Error(`subscribe refused: ${ack.error?.message ?? 'no reason'}`))),
          ),
        );
        socket.once('connect_error', reject);
      });
    }),
  );
}

process.on('message', (message: DisplayParentMessage) => {
  if (message.type === 'connect') {
    connect(message.setup).then(
      () => {
        // The delay that matters is while updates flow, not while 500 sockets connect.
        loopDelay.reset();
        send({ type: 'connected', displays: sockets.length });
      },
      (error: Error) => {
        process.stderr.write(`display worker: ${error.message}\n`);
        process.exit(1);
      },
    );
  } else if (message.type === 'probe-sent') {
    sentAt.set(message.n, message.at);
    for (let i = early.length - 1; i >= 0; i -= 1) {
      if (early[i]!.n === message.n) {
        receipts.push(receipt(early[i]!, message.at));
        early.splice(i, 1);
      }
    }
  } else {
    for (const socket of sockets) socket.disconnect();
    // Exit once the report is written to the channel: a large one on a busy machine takes longer than a fixed delay.
    const delay = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
    process.send!({ type: 'report', receipts, updates, errors, loopDelay: delay } satisfies DisplayWorkerMessage, () => process.exit(0));
  }
});
