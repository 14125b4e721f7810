import { compareStreamIds } from './stream-id';

describe('compareStreamIds', () => {
  it('orders by milliseconds, then by sequence, numerically rather than as text', () => {
    expect(compareStreamIds('9-0', '10-0')).toBe(-1);
    expect(compareStreamIds('10-2', '10-10')).toBe(-1);
    expect(compareStreamIds('10-10', '10-2')).toBe(1);
    expect(compareStreamIds('0-0', '0-0')).toBe(0);
  });
});
