/**
 * Push ingestion (POST /ingest/:sourceId on the connectors app). The sender signs
 * `${timestamp}.${rawBody}` with HMAC-SHA256 using the source's shared secret and sends
 * the hex digest as "sha256=<hex>"; the timestamp is Unix seconds.
 */
export const IngestHeader = {
  Signature: 'x-ioc-signature',
  Timestamp: 'x-ioc-timestamp',
} as const;

/** Body of a push: records in the NormalizedEvent shape, sourceId filled in by the receiver. */
export interface IngestRequest {
  stream: string;
  events: unknown[];
}

/** The verdict on one pushed event: the one the aggregator reaches (same rule, same limits, same catalog). */
export type IngestEventResult =
  { index: number; status: 'accepted'; idempotencyKey: string } | { index: number; status: 'rejected'; reason: string; fields: string[] };

export interface IngestResponse {
  accepted: number;
  /** Rejected events, dead-lettered with their reason. */
  deadLettered: number;
  /** One entry per event, in request order. */
  results: IngestEventResult[];
}
