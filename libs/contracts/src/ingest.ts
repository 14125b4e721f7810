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

export interface IngestResponse {
  accepted: number;
  deadLettered: number;
}
