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
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export interface EventBatchJob {
  sourceId: string;
  stream: string;
  events: NormalizedEvent[];
}

export interface SourcePullJob {
  sourceId: string;
  /** Present for a backfill: re-read this range without touching the live cursor. */
  backfill?: { stream: string; from: string; to: string };
}

export interface NotificationJob {
  deliveryId: string;
}

export interface QueueJobMap {
  [QueueName.Events]: EventBatchJob;
  [QueueName.DeadLetter]: DeadLetterEntry;
  [QueueName.SourcePull]: SourcePullJob;
  [QueueName.Notifications]: NotificationJob;
}

/** Redis pub/sub channels (prefixed with the deployment's key prefix). */
export const Channel = {
  IndicatorUpdates: 'indicator-updates',
  SourceHealth: 'source-health',
  Alerts: 'alerts',
} as const;
