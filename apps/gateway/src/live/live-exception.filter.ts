import { type ArgumentsHost, Catch, HttpException, Logger, type WsExceptionFilter } from '@nestjs/common';
import type { SocketErrorMessage } from '@ioc/contracts';
import { DomainError, fromLibraryError } from '../common/domain-errors';
import type { LiveSocket } from './live-socket';

const SOCKET_CODE: Record<DomainError['code'], SocketErrorMessage['code']> = {
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  not_found: 'invalid',
  invalid: 'invalid',
  conflict: 'invalid',
  rate_limited: 'rate_limited',
};

/** The one socket exception filter: answers the message's ack with { ok: false, error }, or emits "error" when there is no ack. */
@Catch()
export class LiveExceptionFilter implements WsExceptionFilter {
  private readonly logger = new Logger(LiveExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const error = this.toMessage(fromLibraryError(exception));
    const ack = host.getArgs().find((arg): arg is (result: unknown) => void => typeof arg === 'function');
    if (ack) ack({ ok: false, error });
    else host.switchToWs().getClient<LiveSocket>().emit('error', error);
  }

  private toMessage(exception: unknown): SocketErrorMessage {
    if (exception instanceof DomainError) return { code: SOCKET_CODE[exception.code], message: exception.message };
    if (exception instanceof HttpException) return { code: 'invalid', message: exception.message };
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { code: 'internal', message: 'Internal error' };
  }
}
