import type { IndicatorUpdate } from '@ioc/contracts';
import { planResume } from './resume-plan';

const update = (seq: number, epoch = 'e1'): IndicatorUpdate => ({
  indicatorId: 'doc.overdue',
  unitCode: '522',
  value: seq,
  numerator: null,
  own: { value: seq, numerator: null, denominator: null },
  judged: null,
  denominator: null,
  target: null,
  status: 'no_target',
  asOf: '2026-11-23T00:00:00.000Z',
  freshness: [],
  seq,
  epoch,
});

describe('planResume', () => {
  it('replays exactly the updates after the position when the stream still holds the position', () => {
    const entries = [3, 4, 5, 6].map((seq) => update(seq));
    expect(planResume({ epoch: 'e1', seq: 4 }, update(6), entries)?.valueOf()).toEqual([update(5), update(6)]);
  });

  it('replays when the position itself was trimmed but the next sequence number is present', () => {
    expect(planResume({ epoch: 'e1', seq: 4 }, update(6), [update(5), update(6)])).toEqual([update(5), update(6)]);
  });

  it('sends nothing to a client that is up to date', () => {
    expect(planResume({ epoch: 'e1', seq: 6 }, update(6), [update(6)])).toEqual([]);
  });

  it('resets when the missed updates were trimmed from the stream', () => {
    expect(planResume({ epoch: 'e1', seq: 2 }, update(6), [update(5), update(6)])).toBe('reset');
  });

  it('resets when the epoch changed', () => {
    expect(planResume({ epoch: 'e0', seq: 2 }, update(1), [update(1)])).toBe('reset');
  });

  it('resets when the stream has not caught up with the latest value', () => {
    expect(planResume({ epoch: 'e1', seq: 4 }, update(7), [update(4), update(5), update(6)])).toBe('reset');
  });

  it('resets when the stream has no latest value any more', () => {
    expect(planResume({ epoch: 'e1', seq: 4 }, undefined, [])).toBe('reset');
  });
});
