import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';

export class CredentialKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialKeyError';
  }
}

/**
 * Encrypts source credentials at rest with AES-256-GCM. The key (32 bytes, base64) comes
 * from the environment; the envelope "v1:<iv>:<tag>:<ciphertext>" carries everything else.
 */
export class CredentialCipher {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    const key = Buffer.from(base64Key, 'base64');
    if (key.length !== 32) {
      throw new CredentialKeyError(`CREDENTIALS_KEY must be 32 bytes encoded in base64 (got ${key.length} bytes)`);
    }
    this.key = key;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  decrypt(envelope: string): string {
    const [version, iv, tag, ciphertext] = envelope.split(':');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
      throw new CredentialKeyError('Encrypted credentials are not in the "v1:<iv>:<tag>:<ciphertext>" format');
    }
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new CredentialKeyError('Credentials could not be decrypted: wrong CREDENTIALS_KEY or tampered data');
    }
  }

  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson<T>(envelope: string): T {
    return JSON.parse(this.decrypt(envelope)) as T;
  }
}
