import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, fromLibraryError } from './domain-errors';

const STATUS_OF: Record<DomainError['code'], number> = {
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  invalid: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
};

export interface HttpErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Validation failures: one entry per field path. */
  fields?: { field: string; errors: string[] }[];
}

/** The one HTTP exception filter: domain errors and Nest's HttpExceptions → a uniform JSON body. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(fromLibraryError(exception));
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): HttpErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = STATUS_OF[exception.code];
      const fields = exception.fields.length > 0 ? exception.fields.map((field) => ({ field, errors: [exception.message] })) : undefined;
      return { statusCode, error: exception.code, message: exception.message, fields };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      // Bodies that are a result of their own (terminus health checks: status, info, error, details) pass through.
      if (typeof response === 'object' && !('message' in response)) return { statusCode, ...(response as object) } as HttpErrorBody;
      const payload = typeof response === 'string' ? { message: response } : (response as Record<string, unknown>);
      const fields = Array.isArray(payload.fields) ? (payload.fields as HttpErrorBody['fields']) : undefined;
      const message = Array.isArray(payload.message) ? payload.message.join('; ') : String(payload.message ?? exception.message);
      return { statusCode, error: HttpStatus[statusCode]?.toLowerCase() ?? 'error', message, fields };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'internal', message: 'Internal server error' };
  }
}
