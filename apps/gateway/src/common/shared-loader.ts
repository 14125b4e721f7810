import DataLoader from 'dataloader';

export interface SharedLoaderOptions {
  /** Batches running at once; the requests arriving meanwhile wait and go together in the next one. */
  concurrency: number;
  /** Largest batch; more requests make further batches. */
  maxBatchSize: number;
}

/**
 * A DataLoader without a cache whose batches run at most `concurrency` at a time. Every request
 * is answered by a read that starts after it arrived (nothing is served from memory), and under
 * load the reads do not multiply with the requests: a mass reconnect's thousands of identical
 * lookups become a few batched ones, each sized by what arrived while the previous one ran.
 */
export function sharedLoader<K, V>(
  load: (keys: readonly K[]) => Promise<readonly (V | Error)[]>,
  { concurrency, maxBatchSize }: SharedLoaderOptions,
): DataLoader<K, V> {
  let running = 0;
  const waiting: (() => void)[] = [];
  let loadCalled = false;
  const release = (): void => {
    running -= 1;
    const next = waiting.shift();
    if (next) next();
  };
  const run = (dispatch: () => void): void => {
    running += 1;
    // Let what arrived with the same I/O poll join before the batch leaves.
    setImmediate(() => {
      loadCalled = false;
      dispatch();
      // DataLoader skips the load function for an empty batch: the slot is free again at once.
      if (!loadCalled) release();
    });
  };
  return new DataLoader<K, V>(
    (keys) => {
      loadCalled = true;
      return load(keys).finally(release);
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (dispatch) => {
        if (running < concurrency) run(dispatch);
        else waiting.push(() => run(dispatch));
      },
    },
  );
}

/** Orders rows found by `keyOf` as the keys asked for; a key without a row gets `missing`. */
export function byKeys<K, R, M>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K, missing: M): (R | M)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? missing);
}
