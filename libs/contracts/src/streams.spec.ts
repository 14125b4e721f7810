import { SharedRedisKey } from './redis-keys';
import { decodeStreamEntry, encodeStreamEntry } from './streams';
import type { IndicatorUpdate } from './indicators';

const update: IndicatorUpdate = {
  indicatorId: 'dvc.on_time_pct',
  unitCode: '51',
  value: 92.5,
  numerator: 37,
  denominator: 40,
  own: { value: null, numerator: null, denominator: null },
  target: 90,
  judged: { appliesTo: 'UNIT_SUBTREE', comparator: 'GTE', value: 92.5 },
  status: 'met',
  asOf: '2026-11-25T01:00:00.000Z',
  freshness: [],
  seq: 7,
  epoch: 'e1',
};

describe('shared stream entries', () => {
  it('decode what they encode', () => {
    const entry = encodeStreamEntry(SharedRedisKey.IndicatorUpdates, update);
    expect(entry[0]).toBe('u');
    expect(decodeStreamEntry(SharedRedisKey.IndicatorUpdates, [...entry, 't', '00-abc'])).toEqual({ ok: true, payload: update });
  });

  it('alert notifications use their own field', () => {
    expect(encodeStreamEntry(SharedRedisKey.AlertNotifications, { deliveryId: 'd' } as never)[0]).toBe('n');
  });

  it('refuse entries without the field, with bad JSON, or of the wrong shape, naming what is wrong', () => {
    expect(decodeStreamEntry(SharedRedisKey.IndicatorUpdates, ['x', '{}'])).toMatchObject({ ok: false, reason: 'no "u" field' });
    // A value that happens to equal the field name is not the field.
    expect(decodeStreamEntry(SharedRedisKey.IndicatorUpdates, ['x', 'u'])).toMatchObject({ ok: false, reason: 'no "u" field' });
    expect(decodeStreamEntry(SharedRedisKey.IndicatorUpdates, ['u', '{not json'])).toMatchObject({ ok: false, raw: '{not json' });
    expect(decodeStreamEntry(SharedRedisKey.IndicatorUpdates, ['u', '[1]'])).toMatchObject({ ok: false, fields: ['u'] });
    const wrong = decodeStreamEntry(SharedRedisKey.IndicatorUpdates, ['u', JSON.stringify({ ...update, value: 'high', seq: 1.5 })]);
    expect(wrong).toMatchObject({ ok: false, fields: ['value', 'seq'], reason: 'indicator-updates entry has invalid value, seq' });
    const health = decodeStreamEntry(SharedRedisKey.SourceHealth, [
      'u',
      JSON.stringify({ sourceId: 's', status: 'FINE', lastSuccessAt: null }),
    ]);
    expect(health).toMatchObject({ ok: false, fields: ['status'] });
  });
});
