import type { AlertNotification } from './alerts';
import type { SourceHealthUpdate } from './health';
import type { IndicatorUpdate } from './indicators';
import { SharedRedisKey } from './redis-keys';
import type { ResolutionScorecard } from './scorecards';

/** The Redis streams apps share, and the payload each entry carries. */
export interface StreamPayloadMap {
  [SharedRedisKey.IndicatorUpdates]: IndicatorUpdate;
  [SharedRedisKey.SourceHealth]: SourceHealthUpdate;
  [SharedRedisKey.AlertNotifications]: AlertNotification;
  [SharedRedisKey.ScorecardUpdates]: ResolutionScorecard;
}
export type SharedStream = keyof StreamPayloadMap;

/** Optional entry field of the indicator stream: the W3C traceparent of the publish that wrote it. */
export const TRACE_STREAM_FIELD = 't';

interface StreamSpec {
  /** Entry field holding the payload's JSON. */
  field: string;
  /** Names of the payload's fields that do not have the contract's shape ([] when it does). */
  invalidFields(payload: Record<string, unknown>): string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInstant = (value: unknown): boolean => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const isNumberOrNull = (value: unknown): boolean => value === null || (typeof value === 'number' && Number.isFinite(value));
const failing = (checks: Record<string, boolean>): string[] => Object.keys(checks).filter((name) => !checks[name]);

/**
 * Each shared stream's entry field and runtime check. Writers encode with `encodeStreamEntry`
 * (the Lua publisher takes the field from here); every reader decodes with `decodeStreamEntry`,
 * so an entry of the wrong shape is refused with the fields that are wrong, never trusted.
 */
export const STREAMS: { readonly [S in SharedStream]: StreamSpec } = {
  [SharedRedisKey.IndicatorUpdates]: {
    field: 'u',
    invalidFields: (u) =>
      failing({
        indicatorId: typeof u.indicatorId === 'string',
        unitCode: typeof u.unitCode === 'string',
        value: isNumberOrNull(u.value),
        target: u.target === undefined || isNumberOrNull(u.target),
        seq: Number.isInteger(u.seq),
        epoch: typeof u.epoch === 'string',
        asOf: isInstant(u.asOf),
      }),
  },
  [SharedRedisKey.SourceHealth]: {
    field: 'u',
    invalidFields: (u) =>
      failing({
        sourceId: typeof u.sourceId === 'string',
        status: ['UNKNOWN', 'OK', 'DEGRADED', 'DOWN'].includes(u.status as string),
        lastSuccessAt: u.lastSuccessAt === null || isInstant(u.lastSuccessAt),
      }),
  },
  [SharedRedisKey.AlertNotifications]: {
    field: 'n',
    invalidFields: (n) =>
      failing({
        deliveryId: typeof n.deliveryId === 'string',
        userId: typeof n.userId === 'string',
        ruleId: typeof n.ruleId === 'string',
        title: typeof n.title === 'string',
      }),
  },
  [SharedRedisKey.ScorecardUpdates]: {
    field: 'u',
    invalidFields: (card) =>
      failing({
        resolutionCode: typeof card.resolutionCode === 'string',
        entries: Array.isArray(card.entries),
        met: Number.isInteger(card.met),
        total: Number.isInteger(card.total),
      }),
  },
};

/** The field/value pair of an entry carrying `payload` (spread into XADD after the id). */
export function encodeStreamEntry<S extends SharedStream>(stream: S, payload: StreamPayloadMap[S]): [field: string, json: string] {
  return [STREAMS[stream].field, JSON.stringify(payload)];
}

export type DecodedStreamEntry<T> =
  | { ok: true; payload: T }
  | {
      ok: false;
      /** What is wrong, for logs and dead letters. */
      reason: string;
      fields: string[];
      /** The payload field as stored, when there was one. */
      raw: string | undefined;
    };

/** The payload of an entry's fields ([field, value, ...]) checked against the stream's contract. */
export function decodeStreamEntry<S extends SharedStream>(stream: S, fields: readonly string[]): DecodedStreamEntry<StreamPayloadMap[S]> {
  const { field, invalidFields } = STREAMS[stream];
  const index = fields.findIndex((name, i) => i % 2 === 0 && name === field);
  const raw = index >= 0 ? fields[index + 1] : undefined;
  if (raw === undefined) return { ok: false, reason: `no "${field}" field`, fields: [field], raw };
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return { ok: false, reason: `field "${field}" is not JSON`, fields: [field], raw };
  }
  if (!isObject(payload)) return { ok: false, reason: `field "${field}" is not a JSON object`, fields: [field], raw };
  const invalid = invalidFields(payload);
  if (invalid.length > 0) return { ok: false, reason: `${stream} entry has invalid ${invalid.join(', ')}`, fields: invalid, raw };
  return { ok: true, payload: payload as unknown as StreamPayloadMap[S] };
}
