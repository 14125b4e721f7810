import type { IndicatorUpdate } from '@ioc/contracts';
import { RecentEntries } from './recent-entries';

const entry = (id: string, seq: number, epoch = 'e1') => ({ id, update: { seq, epoch } as IndicatorUpdate });

describe('RecentEntries', () => {
  it('scans back from `until` to the entry that reaches every position, as a read of the stream would', () => {
    const recent = new RecentEntries(100, '1-0');
    for (let seq = 1; seq <= 5; seq += 1) recent.add('a', entry(`1-${seq}`, seq));
    recent.add('b', entry('1-6', 1));
    const ids = (found: { id: string }[] | undefined) => found?.map((e) => e.id);
    expect(ids(recent.scanBack('a', [{ epoch: 'e1', seq: 2 }], '1-4'))).toEqual(['1-4', '1-3']);
    // Two clients at different positions: down to the older one.
    expect(
      ids(
        recent.scanBack(
          'a',
          [
            { epoch: 'e1', seq: 4 },
            { epoch: 'e1', seq: 1 },
          ],
          '1-9',
        ),
      ),
    ).toEqual(['1-5', '1-4', '1-3', '1-2']);
    // An entry of another epoch reaches the position too.
    recent.add('a', entry('1-7', 1, 'e2'));
    expect(ids(recent.scanBack('a', [{ epoch: 'e1', seq: 3 }], '1-9'))).toEqual(['1-7']);
  });

  it('leaves to Redis what it cannot prove complete: before where reading began, or evicted', () => {
    const recent = new RecentEntries(3, '1-0');
    recent.add('a', entry('1-1', 5));
    expect(recent.scanBack('a', [{ epoch: 'e1', seq: 3 }], '1-9')).toBeUndefined();
    recent.add('a', entry('1-2', 6));
    recent.add('b', entry('1-3', 1));
    recent.add('b', entry('1-4', 2));
    // 'a' seq 5 was evicted: a client at 3 needs Redis; one at 5 needs only seq 6, which is there.
    expect(recent.scanBack('a', [{ epoch: 'e1', seq: 3 }], '1-9')).toBeUndefined();
    expect(recent.scanBack('a', [{ epoch: 'e1', seq: 5 }], '1-9')?.map((e) => e.id)).toEqual(['1-2']);
    expect(recent.scanBack('b', [{ epoch: 'e1', seq: 1 }], '1-9')?.map((e) => e.id)).toEqual(['1-4']);
  });

  it('forgets everything after a gap', () => {
    const recent = new RecentEntries(10, '1-0');
    recent.add('a', entry('1-1', 1));
    recent.add('a', entry('1-2', 2));
    recent.restart('1-2');
    expect(recent.scanBack('a', [{ epoch: 'e1', seq: 1 }], '1-9')).toBeUndefined();
  });

  it('stays within its capacity over a long run', () => {
    const recent = new RecentEntries(50, '0-0');
    for (let i = 1; i <= 10_000; i += 1) recent.add(`k${i % 7}`, entry(`1-${i}`, i));
    const total = Array.from({ length: 7 }, (_, k) => recent.scanBack(`k${k}`, [{ epoch: 'x', seq: 0 }], '9-0')?.length ?? 0);
    expect(total.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(50);
  });
});
