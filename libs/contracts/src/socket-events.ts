import type { AlertNotification } from './alerts';
import type { IndicatorUpdate } from './indicators';
import type { SourceHealthUpdate } from './health';
import type { DashboardChangeMessage } from './live';
import type { ResolutionScorecard } from './scorecards';

/** socket.io namespace for live data. */
export const LIVE_NAMESPACE = '/live';

/**
 * How clients of /live reconnect (socket.io-client options): exponential backoff from 1 s up to
 * 10 s, each delay drawn anywhere between 0 and twice its value, so a wall of displays dropped at
 * once (gateway restart, network blip) comes back spread out rather than as one wave, and its
 * retries do not line up either. An attempt waits up to 60 s (socket.io's default is 20 s): a
 * gateway busy with a storm answers late, and an abandoned attempt is work it did for nothing.
 */
export const LIVE_RECONNECTION = {
  reconnectionDelay: 1000,
  reconnectionDelayMax: 10_000,
  randomizationFactor: 1,
  timeout: 60_000,
} as const;

export interface SubscriptionRequest {
  indicators: string[];
  units: string[];
  /** When true, each unit stands for its whole subtree. */
  subtree?: boolean;
  dashboard?: string;
  /** Last seen position per stream ("indicator:unit" → { epoch, seq }) for gap-free resume. */
  positions?: Record<string, { epoch: string; seq: number }>;
}

export interface SnapshotMessage {
  /**
   * The latest value of each newly subscribed stream that is not resumed, then, in stream order,
   * the updates a resumed stream missed since its position: apply them in order, as updates.
   */
  updates: IndicatorUpdate[];
  /** True when the client's positions were too old or the epoch changed. */
  reset: boolean;
}

export interface SocketErrorMessage {
  code: 'unauthenticated' | 'forbidden' | 'invalid' | 'rate_limited' | 'internal';
  message: string;
}

export interface AlertAckRequest {
  alertId: string;
  note?: string;
}

export interface ServerToClientEvents {
  snapshot: (message: SnapshotMessage) => void;
  update: (update: IndicatorUpdate) => void;
  /** Several updates of one read of the stream, in stream order: apply each as an `update`. */
  updates: (updates: IndicatorUpdate[]) => void;
  'source-health': (update: SourceHealthUpdate) => void;
  dashboard: (change: DashboardChangeMessage) => void;
  /** A resolution's scorecard changed (cut to the socket's scope). */
  scorecard: (card: ResolutionScorecard) => void;
  /** In-app alert notification, to every live socket of its recipient. */
  alert: (notification: AlertNotification) => void;
  error: (error: SocketErrorMessage) => void;
}

/** The answer to `subscribe`: how many streams the socket now follows, or why it was refused. */
export interface SubscribeAck {
  ok: boolean;
  streams?: number;
  error?: SocketErrorMessage;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscriptionRequest, ack: (result: SubscribeAck) => void) => void;
  unsubscribe: (request: Pick<SubscriptionRequest, 'indicators' | 'units'>) => void;
  /** Acknowledge a firing alert as the socket's user (roles ADMIN, LEADER, OPERATOR). */
  'alert:ack': (request: AlertAckRequest, ack: (result: { ok: boolean; state?: string; error?: SocketErrorMessage }) => void) => void;
}
