import type { IndicatorUpdate } from '@ioc/contracts';
import { ageSeconds, formatValue, freshnessOf, isNewer, shownValue, toneOf } from './tile-state';

const NOW = Date.parse('2026-11-23T08:00:00Z');

function update(fields: Partial<IndicatorUpdate> = {}): IndicatorUpdate {
  return {
    indicatorId: 'doc.processed_online_pct',
    unitCode: '51',
    value: 85,
    numerator: 85,
    denominator: 100,
    own: { value: 85, numerator: 85, denominator: 100 },
    target: 90,
    judged: null,
    status: 'at_risk',
    asOf: new Date(NOW - 10_000).toISOString(),
    freshness: [{ sourceId: 'ioffice', lastSuccessAt: null, lagSeconds: 5 }],
    seq: 3,
    epoch: 'e1',
    ...fields,
  };
}

describe('tile freshness', () => {
  it('is live when connected and recent, stale when old or missing, offline whenever the connection is down', () => {
    expect(freshnessOf(update(), true, NOW, 300)).toBe('live');
    expect(freshnessOf(update({ asOf: new Date(NOW - 301_000).toISOString() }), true, NOW, 300)).toBe('stale');
    expect(freshnessOf(undefined, true, NOW, 300)).toBe('stale');
    expect(freshnessOf(update(), false, NOW, 300)).toBe('offline');
  });

  it('counts a lagging source as age even when the value was computed just now', () => {
    const fresh = update({ asOf: new Date(NOW).toISOString(), freshness: [{ sourceId: 'dvc', lastSuccessAt: null, lagSeconds: 900 }] });
    expect(ageSeconds(fresh, NOW)).toBe(900);
    expect(freshnessOf(fresh, true, NOW, 300)).toBe('stale');
  });

  it('stays live while its sources are read on time, however long the value has not changed (issue 11)', () => {
    const unchanged = update({
      asOf: new Date(NOW - 15 * 60_000).toISOString(),
      freshness: [{ sourceId: 'ioffice', lastSuccessAt: new Date(NOW - 14 * 60_000).toISOString(), lagSeconds: 60 }],
    });
    expect(freshnessOf(unchanged, true, NOW, 300, new Set(), new Map([['ioffice', NOW - 30_000]]))).toBe('live');
    expect(ageSeconds(unchanged, NOW, new Map([['ioffice', NOW - 30_000]]))).toBe(30);
    // Not read for 14 minutes: stale, whatever the value.
    expect(freshnessOf(unchanged, true, NOW, 300)).toBe('stale');
  });

  it('shows a freshness value as the real age of the freshest read, not the age when it was published', () => {
    const freshness = update({
      value: 0,
      ageSeconds: true,
      asOf: new Date(NOW - 600_000).toISOString(),
      freshness: [
        { sourceId: 'a', lastSuccessAt: new Date(NOW - 600_000).toISOString(), lagSeconds: 0 },
        { sourceId: 'b', lastSuccessAt: new Date(NOW - 900_000).toISOString(), lagSeconds: 300 },
      ],
    });
    expect(shownValue(freshness, NOW)).toBe(600);
    expect(shownValue(freshness, NOW, new Map([['a', NOW - 20_000]]))).toBe(20);
    expect(shownValue(update({ value: 85 }), NOW)).toBe(85);
  });

  it('is stale while a source behind the value is down', () => {
    expect(freshnessOf(update(), true, NOW, 300, new Set(['ioffice']))).toBe('stale');
    expect(freshnessOf(update(), true, NOW, 300, new Set(['dvc']))).toBe('live');
  });
});

describe('tile tone', () => {
  it('follows the target status, then the dashboard thresholds, and shows N/A values as no colour', () => {
    expect(toneOf(update({ status: 'met' }), { indicatorId: 'x', unitCode: '51' })).toBe('good');
    expect(toneOf(update({ status: 'missed' }), { indicatorId: 'x', unitCode: '51' })).toBe('bad');
    const banded = { indicatorId: 'x', unitCode: '51', thresholds: { good: 80, warn: 60 } };
    expect(toneOf(update({ status: 'no_target', value: 70 }), banded)).toBe('warn');
    expect(toneOf(update({ status: 'no_target', value: 50 }), banded)).toBe('bad');
    expect(toneOf(update({ status: 'no_target' }), { indicatorId: 'x', unitCode: '51' })).toBe('neutral');
    expect(toneOf(update({ value: null, status: 'no_data' }), banded)).toBe('none');
    expect(formatValue(null)).toBe('N/A');
  });
});

describe('update ordering', () => {
  it('takes higher sequence numbers and any new epoch, drops replays', () => {
    const held = update({ seq: 5 });
    expect(isNewer(update({ seq: 6 }), held)).toBe(true);
    expect(isNewer(update({ seq: 5 }), held)).toBe(false);
    expect(isNewer(update({ seq: 4 }), held)).toBe(false);
    expect(isNewer(update({ seq: 1, epoch: 'e2' }), held)).toBe(true);
  });
});
