import { Inject, Injectable } from '@nestjs/common';
import { RedisLease, type RedisClient } from '@ioc/platform';
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

  async putEvaluation(fingerprint: string, stored: StoredEvaluation): Promise<void> {
    if (stored.state.phase === 'inactive' && stored.history.length === 0 && !stored.state.breached) {
      await this.redis.hdel(this.key('eval'), fingerprint);
    } else {
      await this.redis.hset(this.key('eval'), fingerprint, JSON.stringify(stored));
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

  /** Runs `work` holding the named lease, waiting for it up to LOCK_WAIT_MS. */
  withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    return RedisLease.with(this.redis, this.key(`lock:${name}`), LOCK_TTL_MS, { waitMs: LOCK_WAIT_MS }, work);
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
