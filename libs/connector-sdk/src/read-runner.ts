import type { NormalizedEvent } from '@ioc/contracts';
import { validateEvent, type EventRules } from '@ioc/indicators';
import type { Connector, ConnectorLogger, ConnectorMetrics, ReadContext } from './connector';
import type { HttpClient } from './http-client';

export interface RefusedRecord {
  raw: unknown;
  reason: string;
  fields: string[];
}

/** A batch after validation: what may be queued, what goes to the dead-letter queue, the cursor after it. */
export interface ValidatedBatch {
  events: NormalizedEvent[];
  refused: RefusedRecord[];
  cursor: string | null;
}

/** Keeps the dead-letter entry of an oversized record small: its start, as text. */
const truncated = (raw: unknown): string => `${JSON.stringify(raw).slice(0, 2048)}…`;

export const silentLogger: ConnectorLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
export const noMetrics: ConnectorMetrics = { increment: () => undefined };

export interface RunReadOptions<TConfig, TCredentials> {
  connector: Connector<TConfig & object, TCredentials & object>;
  sourceId: string;
  stream: string;
  config: TConfig;
  credentials: TCredentials;
  cursor: string | null;
  http: HttpClient;
  /** The event-validity rule's catalog, limits and clock (the aggregator's own rule). */
  validation: EventRules;
  range?: { from: Date; to: Date };
  /** Largest raw record accepted (bytes of JSON); bigger ones are dead-lettered unread. */
  maxRecordBytes?: number;
  logger?: ConnectorLogger;
  metrics?: ConnectorMetrics;
  signal?: AbortSignal;
}

/**
 * Runs a connector's read and validates every emitted event against the contract, batch by
 * batch. The events' sourceId and stream must be the ones being read.
 */
export async function* runRead<TConfig, TCredentials>(options: RunReadOptions<TConfig, TCredentials>): AsyncGenerator<ValidatedBatch> {
  const context: ReadContext<TConfig, TCredentials> = {
    sourceId: options.sourceId,
    stream: options.stream,
    config: options.config,
    credentials: options.credentials,
    cursor: options.cursor,
    range: options.range,
    http: options.http,
    logger: options.logger ?? silentLogger,
    metrics: options.metrics ?? noMetrics,
    signal: options.signal ?? new AbortController().signal,
  };
  const connector = options.connector as unknown as Connector<object, object>;
  for await (const batch of connector.read(context as unknown as ReadContext<object, object>)) {
    const validated: ValidatedBatch = { events: [], refused: [], cursor: batch.cursor };
    for (const record of batch.records) {
      const size = Buffer.byteLength(JSON.stringify(record.raw) ?? '');
      if (size > (options.maxRecordBytes ?? 65_536)) {
        validated.refused.push({
          raw: truncated(record.raw),
          reason: `record is ${size} bytes, over the ${options.maxRecordBytes ?? 65_536}-byte limit`,
          fields: ['(root)'],
        });
        continue;
      }
      if (record.error) {
        validated.refused.push({ raw: record.raw, reason: record.error, fields: [] });
        continue;
      }
      for (const candidate of record.events) {
        const result = validateEvent(candidate, options.validation);
        if (!result.ok) validated.refused.push({ raw: record.raw, reason: result.reason, fields: result.fields });
        else if (result.event.sourceId !== options.sourceId || result.event.stream !== options.stream) {
          validated.refused.push({
            raw: record.raw,
            reason: `event names source/stream ${result.event.sourceId}/${result.event.stream}, not the one read`,
            fields: ['sourceId', 'stream'],
          });
        } else validated.events.push(result.event);
      }
    }
    context.metrics.increment('records_read', batch.records.length);
    yield validated;
  }
}
