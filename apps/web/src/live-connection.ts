import { io, type Socket } from 'socket.io-client';
import {
  type ClientToServerEvents,
  type DashboardChangeMessage,
  type IndicatorUpdate,
  LIVE_NAMESPACE,
  LIVE_RECONNECTION,
  type ResolutionScorecard,
  type ServerToClientEvents,
  type SocketErrorMessage,
  type SourceHealthUpdate,
  streamKey,
  type SubscriptionRequest,
} from '@ioc/contracts';
import type { Credential } from './credentials';
import { isNewer } from './tile-state';

export interface LiveHandlers {
  /** Newer value for a stream (already ordered: stale or duplicate deliveries are dropped). */
  onValue(update: IndicatorUpdate): void;
  onConnection(connected: boolean): void;
  onDashboardChange(change: DashboardChangeMessage): void;
  onSourceHealth(update: SourceHealthUpdate): void;
  onScorecard(card: ResolutionScorecard): void;
  onError(error: SocketErrorMessage): void;
}

/**
 * The /live connection of a display. socket.io reconnects by itself; on every (re)connection this
 * subscribes again with the last position of each stream, so the gateway replays what was missed
 * or sends a fresh snapshot when it cannot.
 */
export class LiveConnection {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private readonly held = new Map<string, IndicatorUpdate>();

  constructor(
    credential: Credential,
    private readonly request: Omit<SubscriptionRequest, 'positions'>,
    private readonly handlers: LiveHandlers,
  ) {
    this.socket = io(LIVE_NAMESPACE, {
      auth: 'apiKey' in credential ? { apiKey: credential.apiKey } : { token: credential.token },
      transports: ['websocket'],
      ...LIVE_RECONNECTION,
    });
    this.socket.on('connect', () => this.subscribe());
    this.socket.on('disconnect', () => handlers.onConnection(false));
    this.socket.on('connect_error', () => handlers.onConnection(false));
    this.socket.on('snapshot', (message) => message.updates.forEach((update) => this.accept(update, message.reset)));
    this.socket.on('update', (update) => this.accept(update, false));
    this.socket.on('updates', (updates) => updates.forEach((update) => this.accept(update, false)));
    this.socket.on('dashboard', (change) => handlers.onDashboardChange(change));
    this.socket.on('source-health', (update) => handlers.onSourceHealth(update));
    this.socket.on('scorecard', (card) => handlers.onScorecard(card));
    this.socket.on('error', (error) => handlers.onError(error));
  }

  close(): void {
    this.socket.close();
  }

  private subscribe(): void {
    const positions = Object.fromEntries([...this.held].map(([key, update]) => [key, { epoch: update.epoch, seq: update.seq }]));
    this.socket.emit('subscribe', { ...this.request, positions }, (result) => {
      if (result.ok) this.handlers.onConnection(true);
      else if (result.error) this.handlers.onError(result.error);
    });
  }

  private accept(update: IndicatorUpdate, reset: boolean): void {
    const key = streamKey(update.indicatorId, update.unitCode);
    if (!reset && !isNewer(update, this.held.get(key))) return;
    this.held.set(key, update);
    this.handlers.onValue(update);
  }
}
