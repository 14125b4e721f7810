import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConnectorsConfig } from '../config/connectors-config';
import { RequestAuthenticationError } from '../errors/domain-errors';

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Admin routes need "Authorization: Bearer <CONNECTORS_ADMIN_TOKEN>"; without that variable they stay closed. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: ConnectorsConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.CONNECTORS_ADMIN_TOKEN;
    if (!expected) throw new RequestAuthenticationError('source administration is disabled: CONNECTORS_ADMIN_TOKEN is not set');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!timingSafeEqual(sha256(given), sha256(expected)))
      throw new RequestAuthenticationError('a valid "Authorization: Bearer <admin token>" header is required');
    return true;
  }
}
