import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The CREDENTIALS_KEY to use: the configured one, else the one kept in `file`. With
 * `createIfMissing` (the operator's seed step) a fresh 32-byte key is written there (mode 0600)
 * so a first `npm start` works without hand-made secrets; apps only ever read it.
 */
export function resolveCredentialsKey(configured: string | undefined, file: string, options: { createIfMissing?: boolean } = {}): string {
  if (configured) return configured;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!options.createIfMissing) {
    throw new Error(`CREDENTIALS_KEY is not set and ${file} does not exist: set CREDENTIALS_KEY (32 bytes, base64) or run the seed first`);
  }
  const key = randomBytes(32).toString('base64');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
