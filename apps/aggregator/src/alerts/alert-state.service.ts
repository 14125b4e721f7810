import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RedisLease, redisScript, runScript, runScriptBatch, type RedisClient } from '@ioc/platform';
import type { EvaluationState, GroupState, Sample, SourceState } from '@ioc/alerting';
import { REDIS_CLIENT } from '@ioc/queues';
import { AggregatorConfig } from '../config/aggregator-config';
import { aggregatorRedisKeys, type AggregatorRedisKeys } from '../redis-keys';

/** Evaluation state of one fingerprint, kept in Redis so restarts and other processes continue from it. */
export interface StoredEvaluation {
  ruleId: string;
  /** Unit code of the alert. */
  unitCode: string;
  sourceId: string | null;
  state: EvaluationState;
  history: Sample[];
}

const LOCK_TTL_MS = 15_000;
const LOCK_WAIT_MS = 10_000;

/** Takes a fingerprint's lock (KEYS[1]) for ARGV[1] and reads its evaluation from KEYS[2]: [1, json or nil], or [0] while held. */
const LOCK_AND_READ = redisScript<[number, string | null]>(
  'alertLockAndRead',
  2,
  `if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return {1, redis.call('HGET', KEYS[2], ARGV[3])} end
   return {0, false}`,
);
/** Writes the evaluation (an empty ARGV[3] deletes it), then releases the lock if ARGV[1] still holds it. */
const WRITE_AND_UNLOCK = redisScript<number>(
  'alertWriteAndUnlock',
  2,
  `if ARGV[3] == '' then redis.call('HDEL', KEYS[2], ARGV[2]) else redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]) end
   if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
   return 1`,
);

/** One step of a fingerprint's evaluation, from what is stored (null: nothing yet) to what to store. */
export type EvaluationStep = (stored: StoredEvaluation | null) => Promise<StoredEvaluation>;

/** An evaluation with nothing to remember is deleted rather than stored. */
const isBlank = (stored: StoredEvaluation): boolean =>
  stored.state.phase === 'inactive' && stored.history.length === 0 && !stored.state.breached;

/**
 * Redis keys of the alerting feature, all under `<prefix>:alerts:`: evaluation states per
 * fingerprint, last known source health, notification groups, and short locks that keep two
 * processes from stepping the same fingerprint (or flushing groups) at once.
 */
@Injectable()
export class AlertStateService {
  private readonly keys: AggregatorRedisKeys;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    config: AggregatorConfig,
  ) {
    this.keys = aggregatorRedisKeys(config.REDIS_PREFIX);
  }

  private key(name: string): string {
    return this.keys.alerts(name);
  }

  async getEvaluation(fingerprint: string): Promise<StoredEvaluation | null> {
    const raw = await this.redis.hget(this.key('eval'), fingerprint);
    return raw ? (JSON.parse(raw) as StoredEvaluation) : null;
  }

  /**
   * Steps one fingerprint's evaluation under its lock (waiting for it up to LOCK_WAIT_MS): the lock
   * and the read go in one round trip, the write and the release in another, since every indicator
   * update steps its rules' fingerprints. When `step` fails nothing is written.
   */
  async updateEvaluation(fingerprint: string, step: EvaluationStep): Promise<void> {
    const keys = this.evaluationKeys(fingerprint);
    const { lease, read } = await RedisLease.acquireReading(this.redis, keys[0], { waitMs: LOCK_WAIT_MS }, async (holder) => {
      const [taken, raw] = await runScript(this.redis, LOCK_AND_READ, keys, [holder, LOCK_TTL_MS, fingerprint]);
      return taken === 1 ? { read: raw } : null;
    });
    await runScriptBatch(this.redis, WRITE_AND_UNLOCK, [await this.stepHeld(fingerprint, lease.holder, keys, read, step)]);
  }

  /**
   * updateEvaluation for several distinct fingerprints at once: every lock + read in one round
   * trip, the steps in order, every write + unlock in one more (an indicator read steps many
   * fingerprints, and a round trip each was most of the alerting's cost). A fingerprint whose lock
   * another process holds waits for it alone afterwards. A failed step writes nothing for its
   * fingerprint; the others are written, then the first failure is thrown.
   */
  async updateEvaluations(items: readonly { fingerprint: string; step: EvaluationStep }[]): Promise<void> {
    const calls = items.map((item) => ({ ...item, holder: randomUUID(), keys: this.evaluationKeys(item.fingerprint) }));
    const taken = await runScriptBatch(
      this.redis,
      LOCK_AND_READ,
      calls.map(({ fingerprint, holder, keys }) => ({ keys, args: [holder, LOCK_TTL_MS, fingerprint] })),
    );
    const writes: { keys: string[]; args: string[] }[] = [];
    const busy: typeof calls = [];
    const failures: unknown[] = [];
    for (const [index, call] of calls.entries()) {
      const [ok, raw] = taken[index]!;
      if (ok !== 1) busy.push(call);
      else
        await this.stepHeld(call.fingerprint, call.holder, call.keys, raw, call.step).then(
          (write) => writes.push(write),
          (error: unknown) => failures.push(error),
        );
    }
    await runScriptBatch(this.redis, WRITE_AND_UNLOCK, writes);
    for (const { fingerprint, step } of busy)
      await this.updateEvaluation(fingerprint, step).catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }

  /** The fingerprint's lock, then the evaluations hash (the scripts' KEYS). */
  private evaluationKeys(fingerprint: string): [lock: string, evaluations: string] {
    return [this.key(`lock:${fingerprint}`), this.key('eval')];
  }

  /** Runs a step on what the lock's holder read: the write (and unlock) to send, or, when the step fails, the lock released and the error thrown. */
  private async stepHeld(
    fingerprint: string,
    holder: string,
    keys: [string, string],
    raw: string | null,
    step: EvaluationStep,
  ): Promise<{ keys: string[]; args: string[] }> {
    try {
      const next = await step(raw ? (JSON.parse(raw) as StoredEvaluation) : null);
      return { keys, args: [holder, fingerprint, isBlank(next) ? '' : JSON.stringify(next)] };
    } catch (error) {
      await RedisLease.takenBy(this.redis, keys[0], holder).release();
      throw error;
    }
  }

  async evaluationFingerprints(): Promise<string[]> {
    return this.redis.hkeys(this.key('eval'));
  }

  async putSource(source: SourceState): Promise<void> {
    await this.redis.hset(this.key('sources'), source.sourceId, JSON.stringify(source));
  }

  async sources(): Promise<SourceState[]> {
    return Object.values(await this.redis.hgetall(this.key('sources'))).map((raw) => JSON.parse(raw) as SourceState);
  }

  async groups(): Promise<Map<string, GroupState>> {
    const raw = await this.redis.hgetall(this.key('groups'));
    return new Map(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as GroupState]));
  }

  async putGroup(groupKey: string, state: GroupState): Promise<void> {
    await this.redis.hset(this.key('groups'), groupKey, JSON.stringify(state));
  }

  async deleteGroups(groupKeys: string[]): Promise<void> {
    if (groupKeys.length > 0) await this.redis.hdel(this.key('groups'), ...groupKeys);
  }

  /** Runs `work` only if the named lease is free (another process is doing it otherwise). */
  async ifUnlocked(name: string, work: () => Promise<void>): Promise<boolean> {
    const { lease } = await RedisLease.tryAcquire(this.redis, this.key(`lock:${name}`), LOCK_TTL_MS * 4);
    if (!lease) return false;
    try {
      await work();
      return true;
    } finally {
      await lease.release();
    }
  }
}
