import { createHash } from 'node:crypto';

/**
 * A stable idempotency key: the same record read twice yields the same key, so the
 * aggregator can deduplicate. Parts identify the fact (e.g. record id and what happened),
 * never the time of the read.
 */
export function idempotencyKey(sourceId: string, stream: string, ...parts: (string | number)[]): string {
  const digest = createHash('sha256').update(parts.map(String).join('\u001f')).digest('hex').slice(0, 32);
  return `${sourceId}:${stream}:${digest}`;
}
