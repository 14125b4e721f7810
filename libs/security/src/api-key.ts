import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^ioc_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface IssuedApiKey {
  /** The whole key, shown once to whoever created it. */
  key: string;
  prefix: string;
  hash: string;
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** A 256-bit random key "ioc_<prefix>_<secret>"; only its prefix and SHA-256 are stored. */
export function issueApiKey(): IssuedApiKey {
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, '0').slice(0, 12);
  return fromApiKey(`ioc_${prefix}_${randomBytes(32).toString('base64url')}`);
}

/** Rebuilds the stored parts of a key the operator supplied (e.g. through the environment). */
export function fromApiKey(key: string): IssuedApiKey {
  const match = KEY_PATTERN.exec(key);
  if (!match?.[1]) throw new Error('An API key looks like "ioc_<12 letters or digits>_<43 base64url characters>"');
  return { key, prefix: match[1], hash: hashApiKey(key) };
}

export function apiKeyPrefix(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

export function apiKeyMatches(key: string, storedHash: string): boolean {
  const actual = Buffer.from(hashApiKey(key), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
