import type { LiveValue } from '../aggregation/live-values.service';
import { updateSignature } from './update-signature';

const STEP_MS = 10_000;

const value = (lastSuccessAt: string | null, changes: Partial<LiveValue> = {}): LiveValue => ({
  indicatorId: 'health.visits_today',
  unitCode: '51',
  value: 12,
  numerator: 12,
  denominator: null,
  own: { value: 0, numerator: 0, denominator: null },
  target: null,
  judged: null,
  status: 'no_target',
  freshness: [{ sourceId: 'his', lastSuccessAt, lagSeconds: 0 }],
  ...changes,
});

describe('updateSignature', () => {
  it('ignores deliveries within one step and counts the first of the next', () => {
    const at = (iso: string) => updateSignature(value(iso), STEP_MS);
    expect(at('2026-12-07T08:00:00.100Z')).toBe(at('2026-12-07T08:00:09.900Z'));
    expect(at('2026-12-07T08:00:10.000Z')).not.toBe(at('2026-12-07T08:00:09.900Z'));
  });

  it('changes with the value, its parts and its status whatever the delivery time', () => {
    const base = updateSignature(value('2026-12-07T08:00:00.100Z'), STEP_MS);
    expect(updateSignature(value('2026-12-07T08:00:00.200Z', { value: 13, numerator: 13 }), STEP_MS)).not.toBe(base);
    expect(updateSignature(value('2026-12-07T08:00:00.100Z', { own: { value: 1, numerator: 1, denominator: null } }), STEP_MS)).not.toBe(
      base,
    );
    expect(updateSignature(value('2026-12-07T08:00:00.100Z', { status: 'at_risk' }), STEP_MS)).not.toBe(base);
  });

  it('changes when a source first delivers or another source joins', () => {
    const base = updateSignature(value('2026-12-07T08:00:00.100Z'), STEP_MS);
    expect(updateSignature(value(null), STEP_MS)).not.toBe(base);
    const joined = value('2026-12-07T08:00:00.100Z');
    joined.freshness.push({ sourceId: 'vneid', lastSuccessAt: '2026-12-07T08:00:00.100Z', lagSeconds: 0 });
    expect(updateSignature(joined, STEP_MS)).not.toBe(base);
  });

  it('counts every delivery for the freshness indicator, whose value is that age, and with a step of 0', () => {
    const age = (iso: string) => updateSignature(value(iso, { indicatorId: 'source.freshness', ageSeconds: true }), STEP_MS);
    expect(age('2026-12-07T08:00:00.100Z')).not.toBe(age('2026-12-07T08:00:00.200Z'));
    expect(updateSignature(value('2026-12-07T08:00:00.100Z'), 0)).not.toBe(updateSignature(value('2026-12-07T08:00:00.200Z'), 0));
  });

  it('ignores the age itself: the freshness indicator is not re-sent for growing older', () => {
    const aged = (seconds: number) =>
      updateSignature(value('2026-12-07T08:00:00.100Z', { indicatorId: 'source.freshness', ageSeconds: true, value: seconds }), STEP_MS);
    expect(aged(5)).toBe(aged(65));
  });
});
