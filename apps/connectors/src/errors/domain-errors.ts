/** Errors of the connectors' domain; ConnectorsExceptionFilter maps them to HTTP statuses. */
export class SourceNotFoundError extends Error {
  constructor(sourceId: string) {
    super(`No source with id "${sourceId}"`);
    this.name = 'SourceNotFoundError';
  }
}

/** The request may not proceed: bad or missing signature, stale timestamp, replay, bad token. */
export class RequestAuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestAuthenticationError';
  }
}

/** The request is well-formed but does not fit the source (wrong kind of source, unknown stream). */
export class SourceRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceRequestError';
  }
}
