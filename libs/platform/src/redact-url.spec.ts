import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgresql://ioc:s3cret@db.local:5432/ioc')).toBe('postgresql://ioc:***@db.local:5432/ioc');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('does not echo something it cannot parse', () => {
    expect(redactUrl('not a url with password')).toBe('<unparseable URL>');
  });
});
