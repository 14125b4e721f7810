import type { NormalizedEvent } from '@ioc/contracts';
import type { Prisma, SourceEvent } from './generated/prisma/client';

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
