import type { NormalizedEvent } from '@ioc/contracts';
import type { Prisma, PrismaClient, SourceEvent } from './generated/prisma/client';

/**
 * Stores accepted events in source_events in one statement of eight arrays, skipping idempotency
 * keys already there (a re-read). The hot path of ingestion: createMany spent most of a connectors
 * process's CPU building one parameter set per row (bench:pipeline's profile).
 */
export async function insertSourceEvents(prisma: Pick<PrismaClient, '$executeRaw'>, events: readonly NormalizedEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  return prisma.$executeRaw`
    INSERT INTO source_events (idempotency_key, source_id, stream, unit_code, kind, occurred_at, "values", attributes)
    SELECT * FROM unnest(
      ${events.map((e) => e.idempotencyKey)}::varchar[],
      ${events.map((e) => e.sourceId)}::uuid[],
      ${events.map((e) => e.stream)}::varchar[],
      ${events.map((e) => e.unitCode)}::varchar[],
      ${events.map((e) => e.kind)}::varchar[],
      ${events.map((e) => e.occurredAt)}::timestamptz[],
      ${events.map((e) => JSON.stringify(e.values))}::jsonb[],
      ${events.map((e) => JSON.stringify(e.attributes))}::jsonb[]
    )
    ON CONFLICT (idempotency_key) DO NOTHING`;
}

/** An accepted event as source_events keeps it: the record of every event the connectors took in. */
export function toSourceEventRow(event: NormalizedEvent): Prisma.SourceEventCreateManyInput {
  return {
    idempotencyKey: event.idempotencyKey,
    sourceId: event.sourceId,
    stream: event.stream,
    unitCode: event.unitCode,
    kind: event.kind,
    occurredAt: new Date(event.occurredAt),
    values: event.values,
    attributes: event.attributes,
  };
}

/**
 * The event again, for recompute and reconciliation. The kind class is not kept: aggregation reads
 * a kind through the indicator terms, never through its class, so 'fact' changes nothing.
 */
export function fromSourceEventRow(row: SourceEvent): NormalizedEvent {
  return {
    idempotencyKey: row.idempotencyKey,
    sourceId: row.sourceId,
    stream: row.stream,
    unitCode: row.unitCode,
    occurredAt: row.occurredAt.toISOString(),
    kind: row.kind,
    kindClass: 'fact',
    values: row.values as NormalizedEvent['values'],
    attributes: row.attributes as NormalizedEvent['attributes'],
  };
}
