import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-client';
import { redisScript, runScript } from './redis-script';

/** Only the holder (its token) may release or extend: a lease that expired and was taken by another is left alone. */
const RELEASE = redisScript<number>(
  'leaseRelease',
  1,
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
);
const EXTEND = redisScript<number>(
  'leaseExtend',
  1,
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
);

export type LeaseAttempt = { lease: RedisLease; holder: string } | { lease: null; holder: string };

export interface AcquireOptions {
  /** Longest wait for a held lease before giving up with an error. */
  waitMs: number;
  /** First pause between attempts; doubles up to 8× (a busy lease is not polled hot). */
  retryMs?: number;
}

/**
 * A time-bounded lease on one Redis key (SET NX PX with a holder token): one process at a time
 * holds it until it releases it or the time runs out, so a crashed holder never blocks the others
 * for longer than the lease. The one lock and gate implementation of the apps.
 */
export class RedisLease {
  private constructor(
    private readonly redis: RedisClient,
    readonly key: string,
    readonly holder: string,
  ) {}

  /** Takes the lease if free; otherwise says who holds it. */
  static async tryAcquire(redis: RedisClient, key: string, ttlMs: number, holder: string = randomUUID()): Promise<LeaseAttempt> {
    // NX with GET: null when this call took the key, else the holder's token.
    const current = await redis.set(key, holder, 'PX', ttlMs, 'NX', 'GET');
    return current === null ? { lease: new RedisLease(redis, key, holder), holder } : { lease: null, holder: current };
  }

  /** The lease a script of the caller's took for `holder` (SET NX PX), to release or extend it. */
  static takenBy(redis: RedisClient, key: string, holder: string): RedisLease {
    return new RedisLease(redis, key, holder);
  }

  /** Waits (with backoff) for the lease, up to `waitMs`. */
  static acquire(redis: RedisClient, key: string, ttlMs: number, options: AcquireOptions): Promise<RedisLease> {
    return RedisLease.retry(key, options, async () => (await RedisLease.tryAcquire(redis, key, ttlMs)).lease);
  }

  /**
   * Waits for the lease like acquire, but each attempt is `take(holder)`: one script that takes
   * the key for the holder (SET NX PX) and reads what the holder's work needs in the same round
   * trip, answering null while another holds the key.
   */
  static acquireReading<R>(
    redis: RedisClient,
    key: string,
    options: AcquireOptions,
    take: (holder: string) => Promise<{ read: R } | null>,
  ): Promise<{ lease: RedisLease; read: R }> {
    return RedisLease.retry(key, options, async () => {
      const holder = randomUUID();
      const taken = await take(holder);
      return taken && { lease: RedisLease.takenBy(redis, key, holder), read: taken.read };
    });
  }

  private static async retry<T>(key: string, { waitMs, retryMs = 10 }: AcquireOptions, attempt: () => Promise<T | null>): Promise<T> {
    const deadline = Date.now() + waitMs;
    for (let pause = retryMs; ; pause = Math.min(pause * 2, retryMs * 8)) {
      const result = await attempt();
      if (result !== null) return result;
      if (Date.now() + pause > deadline) throw new Error(`Timed out after ${waitMs} ms waiting for lease ${key}`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Pushes the expiry to `ttlMs` from now; false when the lease was lost (expired, taken by another). */
  async extend(ttlMs: number): Promise<boolean> {
    return (await runScript(this.redis, EXTEND, [this.key], [this.holder, ttlMs])) === 1;
  }

  /** Gives the lease up; false when it was no longer this holder's. */
  async release(): Promise<boolean> {
    return (await runScript(this.redis, RELEASE, [this.key], [this.holder])) === 1;
  }
}
