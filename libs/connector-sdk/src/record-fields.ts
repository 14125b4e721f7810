import type { NormalizedEvent } from '@ioc/contracts';
import type { ReadContext } from './connector';
import { idempotencyKey } from './idempotency';

type Raw = Record<string, unknown>;

const asRecord = (raw: unknown): Raw => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('record must be a JSON object');
  return raw as Raw;
};

/**
 * Typed field readers for mapping records: a wrong type or a missing field throws with the
 * field's name, which the runtime turns into a dead-letter reason.
 */
export const field = {
  string(raw: unknown, name: string): string {
    const value = asRecord(raw)[name];
    if (typeof value !== 'string' || value === '')
      throw new Error(`${name} must be a non-empty string (got ${JSON.stringify(value) ?? 'nothing'})`);
    return value;
  },
  optionalString(raw: unknown, name: string): string | null {
    const value = asRecord(raw)[name];
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') throw new Error(`${name} must be a string or null (got ${JSON.stringify(value)})`);
    return value;
  },
  number(raw: unknown, name: string): number {
    const value = asRecord(raw)[name];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new Error(`${name} must be a number (got ${JSON.stringify(value) ?? 'nothing'})`);
    return value;
  },
  /** A number that sources may leave out (null or absent). */
  optionalNumber(raw: unknown, name: string): number | null {
    const value = asRecord(raw)[name];
    if (value === null || value === undefined) return null;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new Error(`${name} must be a number or null (got ${JSON.stringify(value)})`);
    return value;
  },
  boolean(raw: unknown, name: string): boolean {
    const value = asRecord(raw)[name];
    if (typeof value !== 'boolean') throw new Error(`${name} must be true or false (got ${JSON.stringify(value) ?? 'nothing'})`);
    return value;
  },
  /** An instant field; compared as instants, passed on as written (with its offset). */
  instant(raw: unknown, name: string): { iso: string; ms: number } {
    const iso = field.string(raw, name);
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new Error(`${name} must be an ISO-8601 instant (got ${JSON.stringify(iso)})`);
    return { iso, ms };
  },
};

export interface EventDraft {
  /** Identifies the fact within the stream, e.g. [recordId, "resolved"]. */
  key: (string | number)[];
  unitCode: string;
  occurredAt: string;
  kind: string;
  kindClass: NormalizedEvent['kindClass'];
  values: Record<string, number>;
  attributes?: NormalizedEvent['attributes'];
}

/** A NormalizedEvent for the stream being read, its idempotency key derived from the draft's key. */
export function buildEvent(context: Pick<ReadContext<unknown, unknown>, 'sourceId' | 'stream'>, draft: EventDraft): NormalizedEvent {
  return {
    idempotencyKey: idempotencyKey(context.sourceId, context.stream, ...draft.key),
    sourceId: context.sourceId,
    stream: context.stream,
    unitCode: draft.unitCode,
    occurredAt: draft.occurredAt,
    kind: draft.kind,
    kindClass: draft.kindClass,
    values: draft.values,
    attributes: draft.attributes ?? {},
  };
}
