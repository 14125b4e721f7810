import type { IndicatorUpdate } from '@ioc/contracts';
import { appendSample, evaluateIndicator, evaluateSource } from './conditions';
import { validateRule, InvalidRuleError, type AlertRuleRow } from './rule-validation';

const row = (kind: AlertRuleRow['kind'], params: object, scope: object = {}): AlertRuleRow => ({
  id: 'r1',
  name: 'rule',
  kind,
  indicatorId: 'doc.processed_online_pct',
  params,
  severity: 'MAJOR',
  scope,
  forSeconds: 0,
  keepFiringSeconds: 0,
});
const update = (value: number | null, target: number | null = 70): IndicatorUpdate => ({
  indicatorId: 'doc.processed_online_pct',
  unitCode: '21001',
  value,
  numerator: null,
  denominator: null,
  own: { value, numerator: null, denominator: null },
  target,
  judged: null,
  status: 'on_track',
  asOf: '2026-11-23T01:00:00Z',
  freshness: [],
  seq: 1,
  epoch: 'e',
});
const now = new Date('2026-11-23T01:00:00Z');

describe('rule validation', () => {
  it('names the bad field', () => {
    expect(() => validateRule(row('THRESHOLD_BELOW', { threshold: 'x' }))).toThrow(/params\.threshold must be a number/);
    expect(() => validateRule(row('RATE_OF_CHANGE', { windowSeconds: 0, maxChange: 5 }))).toThrow(InvalidRuleError);
    expect(() => validateRule(row('BELOW_TARGET', {}, { tiers: ['VILLAGE'] }))).toThrow(/scope\.tiers/);
    expect(() => validateRule({ ...row('BELOW_TARGET', {}), indicatorId: null })).toThrow(/indicatorId is required/);
  });

  it('defaults the notified roles to leaders', () => {
    expect(validateRule(row('THRESHOLD_BELOW', { threshold: 70 })).notifyRoles).toEqual(['LEADER']);
  });
});

describe('conditions', () => {
  it('compares thresholds and targets, and never breaches on N/A', () => {
    const below = validateRule(row('THRESHOLD_BELOW', { threshold: 70 }));
    expect(evaluateIndicator(below, update(69.9), [], now).breached).toBe(true);
    expect(evaluateIndicator(below, update(70), [], now).breached).toBe(false);
    expect(evaluateIndicator(below, update(null), [], now).breached).toBe(false);
    const target = validateRule(row('BELOW_TARGET', {}));
    expect(evaluateIndicator(target, update(60, 70), [], now)).toEqual({ breached: true, value: 60, threshold: 70 });
    expect(evaluateIndicator(target, update(60, null), [], now).breached).toBe(false);
  });

  it('measures the rate of change against the value at the start of the window', () => {
    const rule = validateRule(row('RATE_OF_CHANGE', { windowSeconds: 600, maxChange: 10 }));
    let history = appendSample([], { at: now.getTime() - 900_000, value: 90 }, 600);
    history = appendSample(history, { at: now.getTime() - 700_000, value: 88 }, 600);
    history = appendSample(history, { at: now.getTime() - 300_000, value: 85 }, 600);
    history = appendSample(history, { at: now.getTime(), value: 77 }, 600);
    expect(history.map((s) => s.value)).toEqual([88, 85, 77]);
    expect(evaluateIndicator(rule, update(77), history, now).breached).toBe(true);
    expect(evaluateIndicator(rule, update(80), history, now).breached).toBe(false);
  });

  it('projects the trend to the deadline', () => {
    const rule = validateRule(row('PROJECTED_MISS', { windowSeconds: 86_400 * 30, deadline: '2026-12-31', target: 90 }));
    const day = 86_400_000;
    const flat = [0, 10, 20].map((d) => ({ at: now.getTime() - (20 - d) * day, value: 60 + d * 0.1 }));
    const rising = [0, 10, 20].map((d) => ({ at: now.getTime() - (20 - d) * day, value: 60 + d * 1.5 }));
    expect(evaluateIndicator(rule, update(62), flat, now).breached).toBe(true);
    expect(evaluateIndicator(rule, update(90 - 0.1), rising, now).breached).toBe(false);
  });

  it('detects stale and down sources', () => {
    const stale = validateRule({ ...row('STALE_SOURCE', { maxAgeSeconds: 600 }), indicatorId: null });
    const down = validateRule({ ...row('CONNECTOR_DOWN', {}), indicatorId: null });
    const old = { sourceId: 's', status: 'OK' as const, lastSuccessAt: '2026-11-23T00:49:00Z' };
    expect(evaluateSource(stale, old, now)).toEqual({ breached: true, value: 660, threshold: 600 });
    expect(evaluateSource(stale, { ...old, lastSuccessAt: '2026-11-23T00:55:00Z' }, now).breached).toBe(false);
    expect(evaluateSource(down, { ...old, status: 'DOWN' }, now).breached).toBe(true);
  });
});
