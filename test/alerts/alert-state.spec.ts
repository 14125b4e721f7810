import { INACTIVE } from '@ioc/alerting';
import { RedisLease } from '@ioc/platform';
import { AlertStateService, type StoredEvaluation } from '../../apps/aggregator/src/alerts/alert-state.service';
import type { AggregatorConfig } from '../../apps/aggregator/src/config/aggregator-config';
import { aggregatorRedisKeys } from '../../apps/aggregator/src/redis-keys';
import { createTestRedis, type TestRedis } from '../support';

const evaluation = (ruleId: string, value: number): StoredEvaluation => ({
  ruleId,
  unitCode: '51',
  sourceId: null,
  state: { ...INACTIVE, breached: true, value },
  history: [{ at: value, value }],
});

describe('AlertStateService.updateEvaluations (real Redis)', () => {
  let redis: TestRedis;
  let state: AlertStateService;
  let lockOf: (fingerprint: string) => string;

  beforeEach(async () => {
    redis = await createTestRedis();
    state = new AlertStateService(redis.client, { REDIS_PREFIX: redis.prefix } as AggregatorConfig);
    lockOf = (fingerprint) => aggregatorRedisKeys(redis.prefix).alerts(`lock:${fingerprint}`);
  });
  afterEach(() => redis.cleanup());

  it('steps each fingerprint from its stored evaluation, writes every result and releases every lock', async () => {
    await state.updateEvaluations([{ fingerprint: 'r1:51', step: async () => evaluation('r1', 1) }]);
    const seen: (StoredEvaluation | null)[] = [];
    await state.updateEvaluations([
      { fingerprint: 'r1:51', step: async (stored) => (seen.push(stored), evaluation('r1', 2)) },
      { fingerprint: 'r2:51', step: async (stored) => (seen.push(stored), evaluation('r2', 7)) },
    ]);
    expect(seen).toEqual([evaluation('r1', 1), null]);
    expect(await state.getEvaluation('r1:51')).toEqual(evaluation('r1', 2));
    expect(await state.getEvaluation('r2:51')).toEqual(evaluation('r2', 7));
    expect(await redis.client.exists(lockOf('r1:51'), lockOf('r2:51'))).toBe(0);
  });

  it('waits for a lock another process holds, writes nothing for a failed step, and still writes the rest before throwing', async () => {
    const other = (await RedisLease.tryAcquire(redis.client, lockOf('busy:51'), 10_000, 'another-process')).lease!;
    setTimeout(() => void other.release(), 100);
    await expect(
      state.updateEvaluations([
        { fingerprint: 'busy:51', step: async () => evaluation('busy', 3) },
        {
          fingerprint: 'failing:51',
          step: async () => {
            throw new Error('Postgres unreachable');
          },
        },
        { fingerprint: 'fine:51', step: async () => evaluation('fine', 4) },
      ]),
    ).rejects.toThrow('Postgres unreachable');
    expect(await state.getEvaluation('busy:51')).toEqual(evaluation('busy', 3));
    expect(await state.getEvaluation('failing:51')).toBeNull();
    expect(await state.getEvaluation('fine:51')).toEqual(evaluation('fine', 4));
    expect(await redis.client.exists(lockOf('busy:51'), lockOf('failing:51'), lockOf('fine:51'))).toBe(0);
  });

  it('deletes an evaluation with nothing left to remember', async () => {
    await state.updateEvaluations([{ fingerprint: 'r1:51', step: async () => evaluation('r1', 1) }]);
    await state.updateEvaluations([{ fingerprint: 'r1:51', step: async (stored) => ({ ...stored!, state: INACTIVE, history: [] }) }]);
    expect(await state.getEvaluation('r1:51')).toBeNull();
  });
});
