import DataLoader from 'dataloader';

export interface SharedLoaderOptions {
  /** Batches running at once; the requests arriving meanwhile wait and go together in the next one. */
  concurrency: number;
  /** Largest batch; more requests make further batches. */
  maxBatchSize: number;
  /**
   * Least time between the starts of two batches. An idle loader reads at once; under load the
   * requests gather for up to this long, so the reads per second stay bounded however many
   * requests come (a storm's handshakes each cost a query otherwise: the reads finish quickly).
   */
  spacingMs: number;
}

/** The gateway's database lookups (credentials, units, dashboards, sources): one read at a time, at most 50 a second each. */
export const DATABASE_LOOKUPS: SharedLoaderOptions = { concurrency: 1, maxBatchSize: 500, spacingMs: 20 };

/**
 * A DataLoader without a cache whose batches run at most `concurrency` at a time. Every request
 * is answered by a read that starts after it arrived (nothing is served from memory), and under
 * load the reads do not multiply with the requests: a mass reconnect's thousands of identical
 * lookups become a few batched ones, each sized by what arrived while the previous one ran.
 */
export function sharedLoader<K, V>(
  load: (keys: readonly K[]) => Promise<readonly (V | Error)[]>,
  { concurrency, maxBatchSize, spacingMs }: SharedLoaderOptions,
): DataLoader<K, V> {
  let running = 0;
  let lastStartedAt = -Infinity;
  const waiting: (() => void)[] = [];
  let loadCalled = false;
  const release = (): void => {
    running -= 1;
    const next = waiting.shift();
    if (next) next();
  };
  const run = (dispatch: () => void): void => {
    running += 1;
    const start = (): void => {
      // A timer may fire up to a millisecond early by the monotonic clock (libuv counts from the
      // loop's cached time): wait out the rest, so the spacing is a real lower bound.
      const wait = lastStartedAt + spacingMs - performance.now();
      if (wait > 0) {
        setTimeout(start, wait);
        return;
      }
      lastStartedAt = performance.now();
      loadCalled = false;
      dispatch();
      // DataLoader skips the load function for an empty batch: the slot is free again at once.
      if (!loadCalled) release();
    };
    // Under load the batch waits for the spacing; otherwise it waits only for what arrived with
    // the same I/O poll to join it.
    if (lastStartedAt + spacingMs > performance.now()) start();
    else setImmediate(start);
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
