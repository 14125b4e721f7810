import type { Logger } from '@nestjs/common';
import { decodeStreamEntry, type SharedStream, type StreamPayloadMap } from '@ioc/contracts';
import type { RawStreamEntry } from '@ioc/platform';

/** The entry's payload checked against its stream's contract, or null (logged) when it does not hold. */
export function entryPayload<S extends SharedStream>(
  stream: S,
  [id, fields]: RawStreamEntry,
  key: string,
  logger: Logger,
): StreamPayloadMap[S] | null {
  const decoded = decodeStreamEntry(stream, fields);
  if (decoded.ok) return decoded.payload;
  logger.error(`Skipping malformed entry ${id} of ${key}: ${decoded.reason}`);
  return null;
}

/** A plain string field of an entry, if present. */
export function entryField([, fields]: RawStreamEntry, field: string): string | undefined {
  const index = fields.indexOf(field);
  return index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
}
