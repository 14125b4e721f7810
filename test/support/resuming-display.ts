import { io, type Socket } from 'socket.io-client';
import {
  type ClientToServerEvents,
  type IndicatorUpdate,
  LIVE_NAMESPACE,
  type ServerToClientEvents,
  streamKey,
  type SubscriptionRequest,
} from '@ioc/contracts';

/**
 * A wall display as the web client behaves: it keeps each stream's last { epoch, seq }, resumes
 * from it after any disconnection (on the next gateway in its list, as behind a load balancer),
 * and checks every delivery itself: a sequence number skipped is a gap, one seen twice a duplicate.
 * A snapshot flagged `reset` (positions too old, the epoch changed, the gateway lost its place)
 * replaces what it holds, as the display redraws from it.
 */
export class ResumingDisplay {
  readonly held = new Map<string, IndicatorUpdate>();
  gaps: string[] = [];
  dups: string[] = [];
  resets = 0;
  reconnections = 0;
  /** The gateway whose subscription is live now, if any. */
  subscribedTo?: string;
  private socket?: Socket<ServerToClientEvents, ClientToServerEvents>;
  private next = 0;
  private stopped = false;

  constructor(
    private readonly urls: string[],
    private readonly auth: Record<string, string>,
    private readonly request: Pick<SubscriptionRequest, 'indicators' | 'units'>,
    first = 0,
  ) {
    this.next = first;
  }

  /** Connects and resolves once the first subscription is acknowledged. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => this.connect(resolve, reject));
  }

  stop(): void {
    this.stopped = true;
    this.socket?.disconnect();
  }

  private connect(subscribed?: () => void, failed?: (error: Error) => void): void {
    const url = this.urls[this.next % this.urls.length]!;
    this.next += 1;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${url}${LIVE_NAMESPACE}`, {
      auth: this.auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 5000,
    });
    this.socket = socket;
    const retry = () => {
      this.subscribedTo = undefined;
      socket.removeAllListeners();
      socket.disconnect();
      if (this.stopped) return;
      this.reconnections += 1;
      setTimeout(() => this.connect(subscribed, failed), 200 + Math.random() * 300);
    };
    socket.on('connect', () => {
      const positions = Object.fromEntries([...this.held].map(([key, update]) => [key, { epoch: update.epoch, seq: update.seq }]));
      socket.emit('subscribe', { ...this.request, positions }, (result) => {
        if (!result.ok) {
          failed?.(new Error(`subscribe refused: ${result.error?.code}: ${result.error?.message}`));
          return;
        }
        this.subscribedTo = url;
        subscribed?.();
        subscribed = undefined;
      });
    });
    socket.on('connect_error', retry);
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') retry();
    });
    socket.on('snapshot', (message) => {
      if (message.reset) this.resets += 1;
      for (const update of message.updates) this.accept(update, message.reset);
    });
    socket.on('update', (update) => this.accept(update, false));
    socket.on('updates', (updates) => updates.forEach((update) => this.accept(update, false)));
  }

  private accept(update: IndicatorUpdate, reset: boolean): void {
    const key = streamKey(update.indicatorId, update.unitCode);
    const last = this.held.get(key);
    if (!reset && last && last.epoch === update.epoch) {
      if (update.seq <= last.seq) {
        this.dups.push(`${key}: seq ${update.seq} after ${last.seq}`);
        return;
      }
      if (update.seq > last.seq + 1) this.gaps.push(`${key}: seq ${last.seq} then ${update.seq}`);
    } else if (!reset && last) this.gaps.push(`${key}: epoch ${last.epoch} then ${update.epoch} without a reset`);
    this.held.set(key, update);
  }
}
