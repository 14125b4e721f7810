/**
 * Normalised event: what every connector (pull or push) emits and the aggregator consumes.
 * A "fact" counts something that happened ("dossier.resolved"); a "gauge" reports a level
 * that replaces the previous one ("beds.occupied").
 */
export type EventKindClass = 'fact' | 'gauge';

export interface NormalizedEvent {
  /** Stable across re-reads of the same record: the aggregator deduplicates by it. */
  idempotencyKey: string;
  sourceId: string;
  stream: string;
  /** Administrative unit code (see the unit tree). */
  unitCode: string;
  /** ISO-8601 instant with offset. */
  occurredAt: string;
  /** e.g. "dossier.resolved", "document.processed", "beds.occupied". */
  kind: string;
  kindClass: EventKindClass;
  /** Numeric measures, e.g. { count: 1 } or { occupied: 412, total: 500 }. */
  values: Record<string, number>;
  /** Dimensions used by indicator filters, e.g. { channel: "online", onTime: true }. */
  attributes: Record<string, string | number | boolean | null>;
}

/** Why an event or record was refused; stored with it in the dead-letter queue. */
export interface DeadLetterEntry {
  reason: string;
  /** Field paths that failed, e.g. ["occurredAt", "values.count"]. */
  fields: string[];
  sourceId: string | null;
  stream: string | null;
  stage: 'connector' | 'ingest' | 'aggregator';
  raw: unknown;
  at: string;
}
