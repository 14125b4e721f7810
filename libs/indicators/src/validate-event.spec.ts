import fc from 'fast-check';
import { collectTerms } from './terms';
import { UnitTree, type UnitNode } from './unit-tree';
import { DEFAULT_EVENT_LIMITS, validateEvent, type EventRules } from './validate-event';

const SINCE = new Date('2020-01-01T00:00:00Z');
const node = (code: string, parentCode: string | null, tier: UnitNode['tier'], validTo: Date | null = null): UnitNode => ({
  code,
  parentCode,
  tier,
  validFrom: SINCE,
  validTo,
});
const rules: EventRules = {
  tree: new UnitTree([
    node('51', null, 'PROVINCE'),
    node('522', '51', 'DISTRICT'),
    node('21001', '522', 'COMMUNE', new Date('2026-07-01T00:00:00Z')),
  ]),
  terms: collectTerms([
    { formula: { op: 'count', filter: { kind: 'dossier.received' } }, window: { type: 'today' } },
    { formula: { op: 'sum', filter: { kind: 'visits.recorded' }, field: 'count' }, window: { type: 'today' } },
    { formula: { op: 'latest', filter: { kind: 'beds.occupied' }, field: 'occupied' }, window: { type: 'today' } },
    {
      formula: { op: 'latest', filter: { kind: 'procedure.listed' }, field: 'eligible', standing: true, distinct: 'code' },
      window: { type: 'standing' },
    },
  ]),
  limits: { ...DEFAULT_EVENT_LIMITS, values: { count: 1_000_000, 'beds.occupied:occupied': 5_000, '*': 1_000_000_000 } },
  now: new Date('2026-11-20T03:00:00Z'),
};
const valid = {
  idempotencyKey: 'src:stream:abc',
  sourceId: 'src',
  stream: 'stream',
  unitCode: '522',
  occurredAt: '2026-11-20T09:00:00+07:00',
  kind: 'visits.recorded',
  kindClass: 'fact',
  values: { count: 3 },
  attributes: { channel: 'online' },
};
const fieldsOf = (candidate: unknown): string[] => {
  const verdict = validateEvent(candidate, rules);
  return verdict.ok ? [] : verdict.fields;
};

describe('validateEvent: the one event-validity rule (push, pull and aggregator)', () => {
  it('accepts a contract event and keeps only the contract fields', () => {
    expect(validateEvent({ ...valid, extra: 'dropped' }, rules)).toEqual({ ok: true, event: valid });
  });

  it.each([
    ['a wrong value type', { values: { count: '1' } }, 'values.count'],
    ['a nested attribute', { attributes: { channel: { online: true } } }, 'attributes.channel'],
    ['a missing unit', { unitCode: undefined }, 'unitCode'],
    ['an unknown unit', { unitCode: '99999' }, 'unitCode'],
    ['a unit that no longer existed', { unitCode: '21001' }, 'unitCode'],
    ['a time without offset', { occurredAt: '2026-11-20T09:00:00' }, 'occurredAt'],
    ['a time 6 minutes ahead (over the 5-minute skew)', { occurredAt: '2026-11-20T03:06:00Z' }, 'occurredAt'],
    ['a time 23 hours ahead', { occurredAt: '2026-11-21T02:00:00Z' }, 'occurredAt'],
    ['a time past the deduplication horizon', { occurredAt: '2025-01-01T00:00:00Z' }, 'occurredAt'],
    ['an unknown kind class', { kindClass: 'counter' }, 'kindClass'],
    ['a malformed kind', { kind: 'Dossier Received' }, 'kind'],
    ['a kind no indicator reads', { kind: 'dossier.unheard_of' }, 'kind'],
    ['a negative amount', { values: { count: -1 } }, 'values.count'],
    ['count: 1e308 (issue 13 finding 3)', { values: { count: 1e308 } }, 'values.count'],
    ['a count over 10^6', { values: { count: 1_000_001 } }, 'values.count'],
    ['a missing measure an indicator needs', { values: {} }, 'values.count'],
    ['a __proto__ attribute', JSON.parse('{"attributes":{"__proto__":{"x":1}}}') as object, 'attributes.__proto__'],
    ['a constructor measure', { values: { count: 1, constructor: 1 } }, 'values.constructor'],
  ])('refuses %s, naming the field', (_what, change, field) => {
    expect(fieldsOf({ ...valid, ...change })).toContain(field);
  });

  it('applies the most specific limit of a measure: kind:field, then field, then *', () => {
    const beds = { ...valid, kind: 'beds.occupied', kindClass: 'gauge', values: { occupied: 5_000 } };
    expect(validateEvent(beds, rules).ok).toBe(true);
    expect(fieldsOf({ ...beds, values: { occupied: 5_001 } })).toEqual(['values.occupied']);
    expect(validateEvent({ ...valid, values: { count: 1_000_000, minutes: 999_999_999 } }, rules).ok).toBe(true);
    expect(fieldsOf({ ...valid, values: { count: 1, minutes: 1e10 } })).toEqual(['values.minutes']);
  });

  it('requires the attribute a distinct term keeps its readings by (a procedure code)', () => {
    const listed = { ...valid, kind: 'procedure.listed', kindClass: 'gauge', values: { eligible: 1 }, attributes: { code: '1.001612' } };
    expect(validateEvent(listed, rules).ok).toBe(true);
    expect(fieldsOf({ ...listed, attributes: {} })).toEqual(['attributes.code']);
    expect(fieldsOf({ ...listed, attributes: { code: '' } })).toEqual(['attributes.code']);
    expect(fieldsOf({ ...listed, attributes: { code: true } })).toEqual(['attributes.code']);
  });

  it('gives every reason in one answer, and refuses non-objects and oversized events', () => {
    const verdict = validateEvent({ ...valid, unitCode: 'ZZ', occurredAt: '2027-01-01T00:00:00+07:00', values: { count: -1 } }, rules);
    expect(verdict).toMatchObject({ ok: false, fields: ['occurredAt', 'unitCode', 'values.count'] });
    expect((verdict as { reason: string }).reason).toContain('unknown unit "ZZ"');
    expect(validateEvent('not an object', rules)).toMatchObject({ ok: false, fields: ['(root)'] });
    const big = validateEvent({ ...valid, attributes: { note: 'x'.repeat(20_000) } }, rules);
    expect(big).toMatchObject({ ok: false, fields: ['(root)'] });
    expect((big as { reason: string }).reason).toMatch(/over the 16384-byte limit/);
  });

  it('refuses for size exactly when the event serialises to more bytes than the limit (escapes, multi-byte text, nesting)', () => {
    const maxBytes = 600;
    const sized: EventRules = { ...rules, limits: { ...rules.limits, maxBytes } };
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '\u4e2d', '"', '\\', '\n', '\u0001', '\ud83d\ude00'), maxLength: 120 });
    const attribute = fc.oneof(text, fc.double(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), attribute, { maxKeys: 8 }), (attributes) => {
        const event = { ...valid, attributes };
        const bytes = Buffer.byteLength(JSON.stringify(event));
        const verdict = validateEvent(event, sized);
        const refusedForSize = !verdict.ok && verdict.reason.includes(`over the ${maxBytes}-byte limit`);
        expect(refusedForSize).toBe(bytes > maxBytes);
        if (refusedForSize) expect(verdict.reason).toContain(`event is ${bytes} bytes`);
      }),
      { numRuns: 400 },
    );
  });
});
