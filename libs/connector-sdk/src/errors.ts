/** What went wrong talking to a source; `check` reports it and health is derived from it. */
export type SourceFailureKind = 'auth' | 'network' | 'timeout' | 'rate-limited' | 'server' | 'client' | 'circuit-open' | 'payload';

export class SourceError extends Error {
  constructor(
    readonly kind: SourceFailureKind,
    message: string,
    readonly status?: number,
    /** From Retry-After on a 429: how long the source asked us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SourceError';
  }

  /** Worth another attempt: the source may answer next time. */
  get retryable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'server' || this.kind === 'rate-limited';
  }

  /** Counts against the circuit breaker: the source looks unhealthy (a 429 does not). */
  get opensCircuit(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'server';
  }
}

export interface ConfigFieldError {
  /** Dotted path of the field, e.g. "paging.pageSize". */
  field: string;
  messages: string[];
}

/** A connector config (or credentials) refused by its schema, with every failing field. */
export class ConnectorConfigError extends Error {
  constructor(
    readonly what: string,
    readonly fields: ConfigFieldError[],
  ) {
    super(`Invalid ${what}: ${fields.map((f) => `${f.field}: ${f.messages.join(', ')}`).join('; ')}`);
    this.name = 'ConnectorConfigError';
  }
}
