import type { SourceFailureKind } from './errors';
import type { HttpClient } from './http-client';

/**
 * How a stream's cursor works (Airbyte's sync modes): "incremental" streams resume after
 * the last value of `cursorField` seen; "full-refresh" streams are re-read whole each time.
 */
export type StreamCursor = { mode: 'incremental'; cursorField: string } | { mode: 'full-refresh' };

export interface StreamDefinition {
  name: string;
  description: string;
  cursor: StreamCursor;
  /** Event kinds the stream emits, e.g. ["dossier.received", "dossier.resolved"]. */
  kinds: string[];
}

/** A class-validator schema class; its property initialisers are the defaults. */
export type SchemaClass<T extends object> = new () => T;

export interface ConnectorSpec<TConfig extends object, TCredentials extends object> {
  /** Registry id, stored in sources.connector_type, e.g. "dvc". */
  id: string;
  version: string;
  displayName: string;
  configSchema: SchemaClass<TConfig>;
  credentialsSchema: SchemaClass<TCredentials>;
  /** "every:<ms>" or "cron:<pattern>" used when a source does not set its own. */
  defaultSchedule: string;
}

export type CheckResult = { ok: true } | { ok: false; kind: SourceFailureKind | 'config'; message: string };

export interface ConnectorLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface ConnectorMetrics {
  /** Adds to a counter named after what it counts, e.g. "records_read". */
  increment(name: string, by?: number): void;
}

export interface CheckContext<TConfig, TCredentials> {
  sourceId: string;
  config: TConfig;
  credentials: TCredentials;
  http: HttpClient;
  logger: ConnectorLogger;
}

export interface ReadContext<TConfig, TCredentials> extends CheckContext<TConfig, TCredentials> {
  stream: string;
  /** Cursor stored after the last batch that was safely queued; null on the first read. */
  cursor: string | null;
  /** Set for a backfill: read records that occurred in [from, to) and ignore the cursor. */
  range?: { from: Date; to: Date };
  metrics: ConnectorMetrics;
  signal: AbortSignal;
}

/** One record as read, with the event it maps to (possibly invalid: the runtime checks it). */
export interface EmittedRecord {
  raw: unknown;
  /** Candidate NormalizedEvents (zero or more per record); a thrown mapping becomes `error`. */
  events: unknown[];
  error?: string;
}

/**
 * A page of records and the cursor to resume after it (Singer's RECORD then STATE). The
 * runtime queues the page's events first and only then stores the cursor.
 */
export interface ReadBatch {
  records: EmittedRecord[];
  cursor: string | null;
}

/**
 * A source-system connector. Subclass it in one file, then export an instance as
 * `connector` from that file (see docs/connectors.md); the runtime does the rest.
 */
export abstract class Connector<TConfig extends object = object, TCredentials extends object = object> {
  abstract readonly spec: ConnectorSpec<TConfig, TCredentials>;

  /** The streams this source offers; static by default, override to ask the source. */
  abstract discover(config: TConfig): StreamDefinition[];

  /** Proves the config and credentials work: reports auth and network failures as such. */
  abstract check(context: CheckContext<TConfig, TCredentials>): Promise<CheckResult>;

  /** Reads one stream from the cursor onward, page by page. */
  abstract read(context: ReadContext<TConfig, TCredentials>): AsyncIterable<ReadBatch>;
}

/** Maps a record to events, turning a thrown mapping error into a dead-letter reason. */
export async function emit(raw: unknown, map: (raw: unknown) => unknown[] | Promise<unknown[]>): Promise<EmittedRecord> {
  try {
    return { raw, events: await map(raw) };
  } catch (error) {
    return { raw, events: [], error: `record could not be mapped: ${(error as Error).message}` };
  }
}
