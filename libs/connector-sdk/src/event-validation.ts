import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsObject,
  IsString,
  Length,
  Matches,
  ValidateBy,
  validateSync,
  type ValidationOptions,
} from 'class-validator';
import type { EventKindClass, NormalizedEvent } from '@ioc/contracts';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const NumberRecord = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'numberRecord',
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) && Object.values(value).every((v) => typeof v === 'number' && Number.isFinite(v)),
        defaultMessage: () => '$property must map names to finite numbers',
      },
    },
    options,
  );

const PrimitiveRecord = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'primitiveRecord',
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) &&
          Object.values(value).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v)),
        defaultMessage: () => '$property must map names to strings, numbers, booleans or null',
      },
    },
    options,
  );

/** The NormalizedEvent contract as a class-validator schema (shape and types). */
class NormalizedEventSchema implements NormalizedEvent {
  @IsString() @Length(1, 255) idempotencyKey!: string;
  @IsString() @Length(1, 64) sourceId!: string;
  @IsString() @Length(1, 64) stream!: string;
  @IsString() @Length(1, 32) unitCode!: string;
  @IsISO8601({ strict: true, strictSeparator: true }) @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'occurredAt must carry a UTC offset' })
  occurredAt!: string;
  @IsString() @Matches(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, { message: 'kind must look like "dossier.resolved"' })
  kind!: string;
  @IsIn(['fact', 'gauge']) kindClass!: EventKindClass;
  @IsObject() @NumberRecord() values!: Record<string, number>;
  @IsObject() @PrimitiveRecord() attributes!: Record<string, string | number | boolean | null>;
}

export interface EventValidationOptions {
  /** Unit codes that exist; an event for any other unit is refused. */
  knownUnitCodes: ReadonlySet<string>;
  /** Largest accepted event, serialised as JSON (bytes). */
  maxBytes?: number;
  /** Earliest plausible occurredAt. */
  earliest?: Date;
  /** How far in the future occurredAt may be (clock skew allowance). */
  maxFutureMs?: number;
  now?: () => Date;
}

export type EventValidation = { ok: true; event: NormalizedEvent } | { ok: false; reason: string; fields: string[] };

const FIELDS: (keyof NormalizedEvent)[] = [
  'idempotencyKey', 'sourceId', 'stream', 'unitCode', 'occurredAt', 'kind', 'kindClass', 'values', 'attributes',
];

/**
 * Checks a candidate event against the contract: shape and types, size, a known unit and
 * a plausible date. Returns the event reduced to its contract fields, or why it was refused.
 */
export function validateEvent(candidate: unknown, options: EventValidationOptions): EventValidation {
  const { knownUnitCodes, maxBytes = 16_384, earliest = new Date('2000-01-01T00:00:00Z'), maxFutureMs = 24 * 3600_000 } = options;
  if (!isPlainObject(candidate)) return { ok: false, reason: 'event must be a JSON object', fields: ['(root)'] };
  const size = Buffer.byteLength(JSON.stringify(candidate));
  if (size > maxBytes) return { ok: false, reason: `event is ${size} bytes, over the ${maxBytes}-byte limit`, fields: ['(root)'] };

  const instance = plainToInstance(NormalizedEventSchema, candidate);
  const errors = validateSync(instance, { forbidUnknownValues: true });
  if (errors.length > 0) {
    return {
      ok: false,
      reason: errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; '),
      fields: errors.map((e) => e.property),
    };
  }
  const event = Object.fromEntries(FIELDS.map((field) => [field, candidate[field]])) as unknown as NormalizedEvent;
  if (!knownUnitCodes.has(event.unitCode)) {
    return { ok: false, reason: `unknown unit code "${event.unitCode}"`, fields: ['unitCode'] };
  }
  const occurredAt = Date.parse(event.occurredAt);
  const now = (options.now ?? (() => new Date()))().getTime();
  if (occurredAt < earliest.getTime() || occurredAt > now + maxFutureMs) {
    return { ok: false, reason: `occurredAt ${event.occurredAt} is outside the plausible range`, fields: ['occurredAt'] };
  }
  return { ok: true, event };
}
