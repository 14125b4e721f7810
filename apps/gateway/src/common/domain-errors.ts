import { AlertNotFoundError, AlertStateError, InvalidCommentError, InvalidRuleError } from '@ioc/alerting';

/** Errors raised by services; each transport's exception filter maps them to its own shape. */
export abstract class DomainError extends Error {
  abstract readonly code: 'unauthenticated' | 'forbidden' | 'not_found' | 'invalid' | 'conflict' | 'rate_limited';

  constructor(
    message: string,
    /** Field paths at fault, for "invalid". */
    readonly fields: string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
}

export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

export class InvalidInputError extends DomainError {
  readonly code = 'invalid';
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited';
}

/** The alerting library's errors as the gateway's own, so each transport's filter maps them the same way. */
export function fromLibraryError(exception: unknown): unknown {
  if (exception instanceof AlertNotFoundError) return new NotFoundError(exception.message);
  if (exception instanceof AlertStateError) return new ConflictError(exception.message, ['state']);
  if (exception instanceof InvalidCommentError) return new InvalidInputError(exception.message, ['body']);
  if (exception instanceof InvalidRuleError) return new InvalidInputError(exception.message, [exception.field]);
  return exception;
}
