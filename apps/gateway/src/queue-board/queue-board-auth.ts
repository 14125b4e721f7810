import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from '../auth/auth.service';
import { credentialsFromHeaders, type PresentedCredentials } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-errors';

export const QUEUE_BOARD_REALM = 'IOC queues';

/** "Basic base64(user:password)" → the parts, else null. */
export function basicCredentials(authorization: string | undefined): { username: string; password: string } | null {
  if (!authorization || !/^Basic /i.test(authorization)) return null;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Guards Bull Board (an Express router outside Nest's guards): admins only. A bearer token or API
 * key as everywhere else, or HTTP Basic with an admin's username and password so a browser can
 * open the page; 401 (with a Basic challenge) without valid credentials, 403 for other roles.
 */
export function queueBoardAuth(auth: AuthService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const reply = (status: number, error: string, message: string): void => {
      if (status === 401) response.setHeader('WWW-Authenticate', `Basic realm="${QUEUE_BOARD_REALM}", charset="UTF-8"`);
      response.status(status).json({ statusCode: status, error, message });
    };
    const authenticate = async (): Promise<Principal> => {
      const basic = basicCredentials(request.headers.authorization);
      const presented: PresentedCredentials = basic
        ? { bearer: (await auth.login(basic.username, basic.password)).accessToken }
        : credentialsFromHeaders(request.headers);
      return auth.authenticate(presented);
    };
    authenticate().then(
      (principal) => {
        if (principal.role !== 'ADMIN') reply(403, 'forbidden', `The queue board is for admins; you are ${principal.role}`);
        else next();
      },
      (error: unknown) => {
        if (error instanceof DomainError && error.code === 'unauthenticated') reply(401, 'unauthenticated', error.message);
        else next(error);
      },
    );
  };
}
