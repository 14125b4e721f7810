import { validateEvent } from './event-validation';

const knownUnitCodes = new Set(['51', '522']);
const valid = {
  idempotencyKey: 'src:stream:abc', sourceId: 'src', stream: 'stream', unitCode: '522', occurredAt: '2026-11-20T09:00:00+07:00',
  kind: 'dossier.received', kindClass: 'fact', values: { count: 1 }, attributes: { channel: 'online' },
};
const now = () => new Date('2026-11-20T10:00:00+07:00');

describe('validateEvent', () => {
  it('accepts a contract event and keeps only the contract fields', () => {
    expect(validateEvent({ ...valid, extra: 'dropped' }, { knownUnitCodes, now })).toEqual({ ok: true, event: valid });
  });

  it.each([
    ['a wrong value type', { values: { count: '1' } }, 'values'],
    ['a nested attribute', { attributes: { channel: { online: true } } }, 'attributes'],
    ['a missing unit', { unitCode: undefined }, 'unitCode'],
    ['a time without offset', { occurredAt: '2026-11-20T09:00:00' }, 'occurredAt'],
    ['an unknown kind class', { kindClass: 'counter' }, 'kindClass'],
    ['a malformed kind', { kind: 'Dossier Received' }, 'kind'],
  ])('refuses %s, naming the field', (_what, change, field) => {
    const result = validateEvent({ ...valid, ...change }, { knownUnitCodes, now });
    expect(result).toMatchObject({ ok: false });
    expect((result as { fields: string[] }).fields).toContain(field);
  });

  it('refuses unknown units, absurd dates and oversized events with the reason', () => {
    expect(validateEvent({ ...valid, unitCode: '99999' }, { knownUnitCodes, now })).toEqual({ ok: false, reason: 'unknown unit code "99999"', fields: ['unitCode'] });
    expect(validateEvent({ ...valid, occurredAt: '1970-01-01T00:00:00Z' }, { knownUnitCodes, now })).toMatchObject({ ok: false, fields: ['occurredAt'] });
    expect(validateEvent({ ...valid, occurredAt: '2030-01-01T00:00:00Z' }, { knownUnitCodes, now })).toMatchObject({ ok: false, fields: ['occurredAt'] });
    const big = validateEvent({ ...valid, attributes: { note: 'x'.repeat(20_000) } }, { knownUnitCodes, now });
    expect(big).toMatchObject({ ok: false, fields: ['(root)'] });
    expect((big as { reason: string }).reason).toMatch(/over the 16384-byte limit/);
    expect(validateEvent('not an object', { knownUnitCodes, now })).toMatchObject({ ok: false });
  });
});
