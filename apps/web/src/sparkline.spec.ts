import { sparkPath } from './sparkline';

describe('sparkPath', () => {
  it('maps time to 0..100 and value to 28..2 (top is high), leaving out points outside the window', () => {
    const path = sparkPath(
      [
        { t: 0, v: 5 },
        { t: 100, v: 10 },
        { t: 200, v: 20 },
        { t: 300, v: 99 },
      ],
      100,
      200,
    );
    expect(path).toBe('0.00,28.00 100.00,2.00');
  });

  it('draws a flat series at mid-height and nothing for no points', () => {
    expect(
      sparkPath(
        [
          { t: 0, v: 3 },
          { t: 10, v: 3 },
        ],
        0,
        10,
      ),
    ).toBe('0.00,15.00 100.00,15.00');
    expect(sparkPath([], 0, 10)).toBe('');
  });
});
