import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_LOG_PATHS } from './logging';

describe('log redaction', () => {
  it('blanks credentials wherever the redaction paths point', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(chunk.toString()), done()) });
    const logger = pino({ redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, sink);

    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJhbGciOi', 'x-api-key': 'ioc_abc_def', host: 'ioc.local' } },
        source: { id: 's1', credentials: { password: 'p@ss' }, token: 'tkn' },
        user: { username: 'admin', passwordHash: 'scrypt:salt:hash' },
      },
      'request',
    );

    const line = lines.join('');
    for (const secret of ['eyJhbGciOi', 'ioc_abc_def', 'p@ss', 'tkn', 'scrypt:salt:hash']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ req: { headers: { host: 'ioc.local' } }, user: { username: 'admin' }, source: { id: 's1' } });
  });
});
