import { randomBytes } from 'node:crypto';
import { CredentialCipher, CredentialKeyError } from './credential-cipher';

describe('CredentialCipher', () => {
  const key = randomBytes(32).toString('base64');

  it('round-trips JSON credentials and never stores the plaintext', () => {
    const cipher = new CredentialCipher(key);
    const envelope = cipher.encryptJson({ username: 'ioc', password: 'mật-khẩu' });
    expect(envelope).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
    expect(envelope).not.toContain('mật-khẩu');
    expect(cipher.decryptJson(envelope)).toEqual({ username: 'ioc', password: 'mật-khẩu' });
  });

  it('uses a fresh IV each time', () => {
    const cipher = new CredentialCipher(key);
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses a wrong key and tampered data', () => {
    const envelope = new CredentialCipher(key).encrypt('secret');
    expect(() => new CredentialCipher(randomBytes(32).toString('base64')).decrypt(envelope)).toThrow(/wrong CREDENTIALS_KEY or tampered/);
    const [version, iv, tag, data] = envelope.split(':');
    const tampered = [version, iv, tag, Buffer.from('x' + data).toString('base64')].join(':');
    expect(() => new CredentialCipher(key).decrypt(tampered)).toThrow(CredentialKeyError);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new CredentialCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes .* \(got 16 bytes\)/);
  });
});
