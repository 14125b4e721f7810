import type { ClientToServerEvents, IndicatorUpdate, ServerToClientEvents } from '@ioc/contracts';
import type { DefaultEventsMap, Namespace, Socket } from 'socket.io';
import type { Principal } from '../auth/principal';

export interface LiveSocketData {
  /** Resolves with the principal once the handshake credentials are checked (null when refused). */
  ready: Promise<Principal | null>;
  /** Streams (indicator:unit) subscribed. */
  tiles: Set<string>;
  /** Latest undelivered value per stream while the client is slow (bounded by its subscriptions). */
  pending: Map<string, IndicatorUpdate>;
  /** Messages received in the current 10 s window. */
  window: { startedAt: number; messages: number };
  expiryTimer?: NodeJS.Timeout;
  /** When the socket was found slow (ms since epoch), while it is. */
  slowSince?: number;
}

export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, LiveSocketData>;
export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, LiveSocketData>;

export const tileRoom = (key: string): string => `tile:${key}`;
/** Sockets whose transport buffer is over LIVE_SLOW_CLIENT_BUFFER: left out of broadcasts, fed from `pending`. */
export const SLOW_ROOM = 'slow';
/** Every live socket of one user: in-app alert notifications go to it. */
export const userRoom = (userId: string): string => `user:${userId}`;
