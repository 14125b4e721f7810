import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A secret for a local install: the configured value, else the one kept in `file`. With
 * `createIfMissing` (the operator's start and seed steps) a fresh random one is written there
 * (mode 0600), so a first `npm start` works without hand-made secrets; apps only ever read it.
 */
export function resolveLocalSecret(
  name: string,
  configured: string | undefined,
  file: string,
  options: { createIfMissing?: boolean; bytes?: number } = {},
): string {
  if (configured) return configured;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!options.createIfMissing) {
    throw new Error(`${name} is not set and ${file} does not exist: set ${name} or run the seed first`);
  }
  const secret = randomBytes(options.bytes ?? 32).toString('base64');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** The CREDENTIALS_KEY (32 bytes, base64) that encrypts sources' credentials. */
export const resolveCredentialsKey = (configured: string | undefined, file: string, options: { createIfMissing?: boolean } = {}): string =>
  resolveLocalSecret('CREDENTIALS_KEY', configured, file, { ...options, bytes: 32 });
