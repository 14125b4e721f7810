import { io, type Socket } from 'socket.io-client';
import { type ClientToServerEvents, type IndicatorUpdate, LIVE_NAMESPACE, type ServerToClientEvents, streamKey } from '@ioc/contracts';

/**
 * One worker process of bench:reconnect: holds a share of the wall displays, each a socket.io
 * client subscribed to the same dashboard that, like the web display, resubscribes with its last
 * position per stream on every (re)connection and drops stale or duplicate deliveries. It checks
 * every stream's sequence numbers for gaps and duplicates itself. Driven by its parent over IPC.
 */
export interface WorkerSetup {
  url: string;
  apiKey: string;
  dashboard: string;
  clients: number;
  /** socket.io-client reconnection settings, the web display's. */
  reconnection: { reconnectionDelay: number; reconnectionDelayMax: number; randomizationFactor: number };
}

export type ParentMessage =
  { type: 'connect'; setup: WorkerSetup } | { type: 'storm'; windowMs: number } | { type: 'finish'; finalSeqs: Record<string, number> };

export interface ClientReport {
  /** The first reconnection attempt after the drop failed (connect error, or dropped/refused before the subscription was acknowledged). */
  failedFirst: boolean;
  /** ms from the first reconnection attempt to the acknowledged resubscription; null if it never came. */
  resumedMs: number | null;
  /** ms from the drop to the acknowledged resubscription. */
  sinceDropMs: number | null;
  attempts: number;
}

export type WorkerMessage =
  | { type: 'connected'; clients: number }
  | { type: 'resumed'; count: number }
  | { type: 'report'; clients: ClientReport[]; gaps: number; dups: number; resets: number; behind: number; errors: Record<string, number> };

const send = (message: WorkerMessage): void => void process.send!(message);

class Display {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Last seq seen per stream (one epoch in the bench). */
  readonly held = new Map<string, number>();
  gaps = 0;
  dups = 0;
  resets = 0;
  droppedAt = 0;
  firstAttemptAt = 0;
  resumedAt = 0;
  attempts = 0;
  failedFirst = false;
  storming = false;
  private subscribed: (() => void) | null = null;

  constructor(
    setup: WorkerSetup,
    private readonly onResumed: () => void,
    private readonly onError: (message: string) => void,
  ) {
    this.socket = io(`${setup.url}${LIVE_NAMESPACE}`, {
      auth: { apiKey: setup.apiKey },
      transports: ['websocket'],
      forceNew: true,
      autoConnect: false,
      ...setup.reconnection,
    });
    this.socket.on('connect', () => this.subscribe(setup.dashboard));
    this.socket.on('connect_error', (error) => {
      this.attemptFailed();
      onError(`connect_error: ${error.message}`);
    });
    this.socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.attemptFailed();
      onError(`disconnect: ${reason}`);
    });
    this.socket.io.on('reconnect_attempt', () => (this.attempts += 1));
    this.socket.on('snapshot', (message) => message.updates.forEach((update) => this.accept(update, message.reset)));
    this.socket.on('update', (update) => this.accept(update, false));
    this.socket.on('updates', (updates) => updates.forEach((update) => this.accept(update, false)));
    this.socket.on('error', (error) => onError(`${error.code}: ${error.message}`));
  }

  /** Resolves once the first subscription is acknowledged. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.subscribed = resolve;
      this.socket.connect();
    });
  }

  /** Drops the connection now and reconnects after `delayMs`. */
  drop(delayMs: number): void {
    this.storming = true;
    this.droppedAt = Date.now();
    this.socket.disconnect();
    setTimeout(() => {
      this.firstAttemptAt = Date.now();
      this.attempts = 1;
      this.socket.connect();
    }, delayMs);
  }

  report(): ClientReport {
    return {
      failedFirst: this.failedFirst,
      resumedMs: this.resumedAt ? this.resumedAt - this.firstAttemptAt : null,
      sinceDropMs: this.resumedAt ? this.resumedAt - this.droppedAt : null,
      attempts: this.attempts,
    };
  }

  private attemptFailed(): void {
    if (this.storming && !this.resumedAt) this.failedFirst = true;
  }

  private subscribe(dashboard: string): void {
    const positions = Object.fromEntries([...this.held].map(([key, seq]) => [key, { epoch: 'bench', seq }]));
    this.socket.emit('subscribe', { indicators: [], units: [], dashboard, positions }, (result) => {
      if (!result.ok) {
        this.attemptFailed();
        this.onError(`subscribe refused: ${result.error?.code}: ${result.error?.message}`);
        return;
      }
      if (this.subscribed) {
        this.subscribed();
        this.subscribed = null;
      }
      if (this.storming && !this.resumedAt) {
        this.resumedAt = Date.now();
        this.onResumed();
      }
    });
  }

  private accept(update: IndicatorUpdate, reset: boolean): void {
    const key = streamKey(update.indicatorId, update.unitCode);
    const last = this.held.get(key);
    if (reset) this.resets += 1;
    else if (last !== undefined && update.seq <= last) {
      this.dups += 1;
      return;
    } else if (last !== undefined && update.seq > last + 1) this.gaps += update.seq - last - 1;
    this.held.set(key, update.seq);
  }
}

/** Displays connecting at once while the bench sets up (not measured). */
const CONNECT_BATCH = 100;
const displays: Display[] = [];
/** Each kind of error the displays saw, with how often. */
const errors = new Map<string, number>();
let resumed = 0;
let resumedReported = 0;

async function connectAll(setup: WorkerSetup): Promise<void> {
  const onError = (message: string): void => void errors.set(message, (errors.get(message) ?? 0) + 1);
  for (let i = 0; i < setup.clients; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, setup.clients - i) }, () => {
      const display = new Display(setup, () => (resumed += 1), onError);
      displays.push(display);
      return display.start();
    });
    await Promise.all(batch);
  }
  send({ type: 'connected', clients: displays.length });
  setInterval(() => {
    if (resumed !== resumedReported) send({ type: 'resumed', count: (resumedReported = resumed) });
  }, 200).unref();
}

function finish(finalSeqs: Record<string, number>): void {
  let behind = 0;
  let gaps = 0;
  for (const display of displays) {
    // A display that never came back is counted as such, not as missing every later update.
    if (!display.resumedAt) continue;
    for (const [key, final] of Object.entries(finalSeqs)) {
      const held = display.held.get(key) ?? 0;
      if (held < final) {
        behind += 1;
        gaps += final - held;
      }
    }
  }
  for (const display of displays) display.socket.disconnect();
  send({
    type: 'report',
    clients: displays.map((display) => display.report()),
    gaps: gaps + displays.reduce((sum, d) => sum + d.gaps, 0),
    dups: displays.reduce((sum, d) => sum + d.dups, 0),
    resets: displays.reduce((sum, d) => sum + d.resets, 0),
    behind,
    errors: Object.fromEntries(errors),
  });
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'connect') void connectAll(message.setup);
  else if (message.type === 'storm') for (const display of displays) display.drop(Math.random() * message.windowMs);
  else if (message.type === 'finish') finish(message.finalSeqs);
});
process.on('disconnect', () => process.exit(0));
