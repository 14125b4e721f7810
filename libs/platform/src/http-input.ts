import { raw } from 'body-parser';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkJsonValue, JsonInputError, jsonDepthExceeds } from './json-input';

export interface JsonBodyOptions {
  /** Largest body accepted, in bytes: larger ones get 413 before a byte is parsed. */
  maxBytes: number;
  /** Deepest nesting accepted (objects and arrays). */
  maxDepth: number;
}

/** Requests keep the exact bytes received (push signatures cover them). */
export type RequestWithRawBody = Request & { rawBody?: Buffer; _body?: boolean };

/** A body is coming when it is chunked or has a non-zero length (the rule type-is and body-parser use). */
const hasBody = (request: Request): boolean =>
  request.headers['transfer-encoding'] !== undefined ||
  (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

const isJson = (contentType: string | undefined): boolean => {
  const media = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media);
};

const refuse = (response: Response, statusCode: number, error: string, message: string): void => {
  response.status(statusCode).json({ statusCode, error, message });
};

/**
 * The JSON body reader of every HTTP app, in place of Nest's default parser, so every bad body
 * gets a clear 4xx and none reaches a controller: 415 for a body that is not JSON (before any
 * authentication, so a signed push sent as text/plain is told so), 413 over `maxBytes` (checked
 * on Content-Length and while reading, before parsing), 400 for malformed JSON, for nesting
 * deeper than `maxDepth` (scanned before parsing) and for prototype-polluting keys.
 * Sets req.body, req.rawBody, and marks the body read so no later parser touches it.
 */
export function jsonBodyMiddleware(options: JsonBodyOptions): RequestHandler {
  const readRaw = raw({ type: () => true, limit: options.maxBytes });
  return (request: RequestWithRawBody, response: Response, next: NextFunction): void => {
    if (!hasBody(request)) return next();
    if (!isJson(request.headers['content-type'])) {
      return refuse(
        response,
        415,
        'Unsupported Media Type',
        `Content-Type must be application/json (got ${request.headers['content-type'] ?? 'none'})`,
      );
    }
    readRaw(request, response, (error?: unknown) => {
      if (error) {
        const { status, type } = error as { status?: number; type?: string };
        if (status === 413 || type === 'entity.too.large')
          return refuse(response, 413, 'Payload Too Large', `Body over the ${options.maxBytes}-byte limit`);
        if (status && status >= 400 && status < 500)
          return refuse(response, status, 'Bad Request', `Unreadable body: ${(error as Error).message}`);
        return next(error);
      }
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      request.rawBody = bytes;
      if (jsonDepthExceeds(bytes, options.maxDepth))
        return refuse(response, 400, 'Bad Request', `JSON nested deeper than ${options.maxDepth} levels`);
      let parsed: unknown;
      try {
        parsed = bytes.length === 0 ? undefined : JSON.parse(bytes.toString('utf8'));
      } catch (parseError) {
        return refuse(response, 400, 'Bad Request', `Malformed JSON: ${(parseError as Error).message}`);
      }
      try {
        checkJsonValue(parsed, options.maxDepth);
      } catch (checkError) {
        if (checkError instanceof JsonInputError) return refuse(response, 400, 'Bad Request', checkError.message);
        throw checkError;
      }
      request.body = parsed;
      request._body = true;
      next();
    });
  };
}
