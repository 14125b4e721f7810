import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ConnectorConfigError } from '@ioc/connector-sdk';
import { RequestAuthenticationError, SourceNotFoundError, SourceRequestError } from './domain-errors';

/** The connectors app's one HTTP exception filter: domain errors → status and a clear message. */
@Catch()
export class ConnectorsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ConnectorsExceptionFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const send = (status: number, body: Record<string, unknown>): void => {
      response.status(status).json({ statusCode: status, ...body });
    };
    if (error instanceof HttpException) {
      const body = error.getResponse();
      send(error.getStatus(), typeof body === 'string' ? { message: body } : (body as Record<string, unknown>));
    } else if (error instanceof ConnectorConfigError) {
      send(HttpStatus.BAD_REQUEST, { error: `invalid ${error.what}`, message: error.message, fields: error.fields });
    } else if (error instanceof RequestAuthenticationError) {
      send(HttpStatus.UNAUTHORIZED, { error: 'Unauthorized', message: error.message });
    } else if (error instanceof SourceNotFoundError) {
      send(HttpStatus.NOT_FOUND, { error: 'Not Found', message: error.message });
    } else if (error instanceof SourceRequestError) {
      send(HttpStatus.UNPROCESSABLE_ENTITY, { error: 'Unprocessable Entity', message: error.message });
    } else {
      this.logger.error({ err: error }, 'unhandled error');
      send(HttpStatus.INTERNAL_SERVER_ERROR, { error: 'Internal Server Error', message: 'internal error' });
    }
  }
}
