import type { DeadLetterEntry, NormalizedEvent } from './events';

/** Every BullMQ queue of the system, with its job payload. One place, so producers and processors agree. */
export const QueueName = {
  /** Batches of normalised events from connectors and push ingestion. */
  Events: 'events',
  /** Records and events refused anywhere in the pipeline, with the reason. */
  DeadLetter: 'dead-letter',
  /** Scheduled pulls, one job scheduler per source. */
  SourcePull: 'source-pull',
  /** Notification deliveries (web push, webhook, email). */
  Notifications: 'notifications',
  /** Operators' long-running work done by an aggregator: recomputing history for a past period. */
  Maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** W3C trace context (traceparent, tracestate) of the span that produced a job or stream entry. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

export interface EventBatchJob {
  sourceId: string;
  stream: string;
  events: NormalizedEvent[];
  /** The pull's or push's span, when tracing is on: the aggregator's batch span continues its trace. */
  trace?: TraceCarrier;
}

export interface SourcePullJob {
  sourceId: string;
  /** Present for a backfill: re-read this range without touching the live cursor. */
  backfill?: { stream: string; from: string; to: string };
}

export interface NotificationJob {
  deliveryId: string;
}

export type HistoryResolution = 'MINUTE' | 'HOUR' | 'DAY';

/** Rebuild indicator_snapshots for [from, to) from source_events (ISO instants). */
export interface RecomputeJob {
  from: string;
  to: string;
  /** One indicator, else every enabled one. */
  indicatorId?: string;
  /** Only this unit and its subtree, else every unit. */
  unitCode?: string;
  resolutions: HistoryResolution[];
  /** Who asked (audit): "user:<id>", "api_key:<id>" or "cli:<os user>". */
  requestedBy: string;
}

/** Job progress of a RecomputeJob: instants evaluated out of the total. */
export interface RecomputeProgress {
  done: number;
  total: number;
  rows: number;
}

export interface RecomputeResult {
  buckets: number;
  rows: number;
}

export interface QueueJobMap {
  [QueueName.Events]: EventBatchJob;
  [QueueName.DeadLetter]: DeadLetterEntry;
  [QueueName.SourcePull]: SourcePullJob;
  [QueueName.Notifications]: NotificationJob;
  [QueueName.Maintenance]: RecomputeJob;
}

/** What a processed job of each queue returns (its BullMQ return value). */
export interface QueueResultMap {
  [QueueName.Events]: EventBatchResult;
  [QueueName.DeadLetter]: void;
  [QueueName.SourcePull]: unknown;
  [QueueName.Notifications]: unknown;
  [QueueName.Maintenance]: RecomputeResult;
}

/** An event batch's outcome: events counted for the first time, and events dead-lettered. */
export interface EventBatchResult {
  applied: number;
  refused: number;
}
