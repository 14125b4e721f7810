import { byKeys, sharedLoader } from './shared-loader';

/** A load function whose batches the test finishes by hand. */
function manualLoad(): { batches: string[][]; finish: (index: number) => void; load: (keys: readonly string[]) => Promise<string[]> } {
  const batches: string[][] = [];
  const finishers: (() => void)[] = [];
  return {
    batches,
    finish: (index) => finishers[index]?.(),
    load: (keys) =>
      new Promise((resolve) => {
        batches.push([...keys]);
        finishers.push(() => resolve(keys.map((key) => `value of ${key}`)));
      }),
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('sharedLoader', () => {
  it('answers requests that arrive while a batch runs with one next batch, never two batches at once', async () => {
    const manual = manualLoad();
    const loader = sharedLoader(manual.load, { concurrency: 1, maxBatchSize: 100, spacingMs: 0 });
    const first = loader.load('a');
    await turn();
    expect(manual.batches).toEqual([['a']]);

    const waiting = ['b', 'c', 'b'].map((key) => loader.load(key));
    await turn();
    await turn();
    expect(manual.batches).toHaveLength(1);

    manual.finish(0);
    expect(await first).toBe('value of a');
    await turn();
    expect(manual.batches[1]).toEqual(['b', 'c', 'b']);
    manual.finish(1);
    expect(await Promise.all(waiting)).toEqual(['value of b', 'value of c', 'value of b']);
  });

  it('splits what gathered into batches of at most maxBatchSize, run one after the other', async () => {
    const manual = manualLoad();
    const loader = sharedLoader(manual.load, { concurrency: 1, maxBatchSize: 2, spacingMs: 0 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((key) => loader.load(key));
    await turn();
    expect(manual.batches).toEqual([['a', 'b']]);
    for (let index = 0; index < 3; index += 1) {
      manual.finish(index);
      await turn();
      await turn();
    }
    expect(manual.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(await Promise.all(all)).toEqual(['a', 'b', 'c', 'd', 'e'].map((key) => `value of ${key}`));
  });

  it('starts batches at least spacingMs apart under load, gathering what arrives meanwhile, and reads at once when idle', async () => {
    const starts: number[] = [];
    const batches: string[][] = [];
    const loader = sharedLoader(
      async (keys: readonly string[]) => {
        starts.push(performance.now());
        batches.push([...keys]);
        return [...keys];
      },
      { concurrency: 1, maxBatchSize: 100, spacingMs: 100 },
    );
    const idleAt = performance.now();
    await loader.load('a');
    // The first read of an idle loader does not wait for the spacing.
    expect(starts[0]! - idleAt).toBeLessThan(100);
    const burst = ['b', 'c'].map((key) => loader.load(key));
    await turn();
    const late = loader.load('d');
    await Promise.all([...burst, late]);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    // The loader re-checks the monotonic clock when its timer fires (a timer may fire early); the
    // load calls come microseconds after the loader's readings of the clock.
    expect(starts[1]! - starts[0]!).toBeGreaterThan(99.9);
  });

  it('fails every request of a failed batch and keeps serving later ones', async () => {
    let fail = true;
    const loader = sharedLoader(
      async (keys: readonly string[]) => {
        if (fail) throw new Error('database unreachable');
        return keys.map((key) => key.toUpperCase());
      },
      { concurrency: 1, maxBatchSize: 10, spacingMs: 0 },
    );
    await expect(Promise.all([loader.load('a'), loader.load('b')])).rejects.toThrow('database unreachable');
    fail = false;
    expect(await loader.load('c')).toBe('C');
  });
});

describe('byKeys', () => {
  it('orders rows as the keys, repeating them for repeated keys and filling the missing', () => {
    const rows = [{ id: 'y' }, { id: 'x' }];
    expect(byKeys(['x', 'z', 'y', 'x'], rows, (row) => row.id, null)).toEqual([{ id: 'x' }, null, { id: 'y' }, { id: 'x' }]);
  });
});
