import { apiKeyMatches, apiKeyPrefix, fromApiKey, issueApiKey } from './api-key';

describe('API keys', () => {
  it('issues keys whose prefix and hash identify them', () => {
    const issued = issueApiKey();
    expect(apiKeyPrefix(issued.key)).toBe(issued.prefix);
    expect(apiKeyMatches(issued.key, issued.hash)).toBe(true);
    expect(apiKeyMatches(issueApiKey().key, issued.hash)).toBe(false);
    expect(fromApiKey(issued.key)).toEqual(issued);
  });

  it('refuses keys of the wrong shape with the expected shape', () => {
    expect(apiKeyPrefix('Bearer abc')).toBeNull();
    expect(() => fromApiKey('ioc_short_key')).toThrow(/ioc_<12 letters or digits>_<43 base64url characters>/);
  });
});
