import { Inject, Injectable } from '@nestjs/common';
import { runScript, type RedisClient } from '@ioc/platform';
import type { NormalizedEvent } from '@ioc/contracts';
import {
  ALL_TIME_BUCKET,
  bucketsOfWindow,
  formulaTerms,
  planStateBatch,
  type IndicatorDefinitionData,
  type IndicatorState,
  type TermSpec,
} from '@ioc/indicators';
import { REDIS_CLIENT } from '@ioc/queues';
import { AggregatorConfig } from '../config/aggregator-config';
import { partitionStateKeys, type PartitionStateKeys } from '../redis-keys';
import { APPLY_BATCH } from './state-scripts';

const DAY_S = 86_400;

/**
 * The aggregation state in Redis: counters per (bucket, term, reporting unit), newest gauge
 * readings, idempotency keys and source deliveries, in AGGREGATION_PARTITIONS partitions (an
 * event's partition comes from its idempotency key). Nothing lives only in process memory, so a
 * restart loses nothing and any number of aggregator processes can apply batches concurrently.
 */
@Injectable()
export class StateStoreService {
  private readonly partitions: readonly PartitionStateKeys[];

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly config: AggregatorConfig,
  ) {
    this.partitions = Array.from({ length: config.AGGREGATION_PARTITIONS }, (_, partition) =>
      partitionStateKeys(config.REDIS_PREFIX, partition),
    );
  }

  /**
   * Applies a batch of one partition's events, pre-aggregated by planStateBatch, in one script
   * call. Returns events applied for the first time; the rest were duplicates.
   */
  async apply(partition: number, events: readonly NormalizedEvent[], terms: readonly TermSpec[], receivedAt: number): Promise<number> {
    const keys = this.partitions[partition];
    if (!keys) throw new Error(`no aggregation partition ${partition} (AGGREGATION_PARTITIONS is ${this.partitions.length})`);
    const batch = planStateBatch(events, terms, receivedAt);
    // The one declared key routes the script to the node of the partition's slot on a Cluster.
    return runScript(this.redis, APPLY_BATCH, [keys.fresh], [keys.state, this.config.EVENT_MAX_AGE_DAYS * DAY_S, JSON.stringify(batch)]);
  }

  /**
   * A consistent-enough read of everything the definitions need at `now`: one pipelined round trip
   * per partition (a Cluster pipeline stays on one node), all at once, merged.
   */
  async read(definitions: readonly IndicatorDefinitionData[], now: Date): Promise<IndicatorState> {
    const buckets = new Set<string>();
    for (const definition of definitions) {
      const terms = formulaTerms(definition.formula, definition.window);
      if (terms.numerator.length + terms.denominator.length > 0) for (const b of bucketsOfWindow(definition.window, now)) buckets.add(b);
      // Counts also read the all-time bucket (it tells "none in the window", 0, from "no such source", N/A); standing terms live there.
      if ([...terms.numerator, ...terms.denominator].some((term) => term.granularities.includes('all'))) buckets.add(ALL_TIME_BUCKET);
    }
    const list = [...buckets];
    const state = new RedisStateSnapshot();
    const partitions = await Promise.all(this.partitions.map((keys) => this.readPartition(keys, list)));
    for (const hashes of partitions) {
      // Three hashes per bucket (counters, gauges, gauge order), then the sources' deliveries.
      const hash = (index: number): Record<string, string> => hashes[index] ?? {};
      list.forEach((bucket, index) => state.addBucket(bucket, hash(index * 3), hash(index * 3 + 1), hash(index * 3 + 2)));
      state.addSources(hash(hashes.length - 1));
    }
    return state;
  }

  private async readPartition(keys: PartitionStateKeys, buckets: readonly string[]): Promise<Record<string, string>[]> {
    const pipeline = this.redis.pipeline();
    for (const bucket of buckets) {
      pipeline.hgetall(`${keys.state}c:${bucket}`);
      pipeline.hgetall(`${keys.state}g:${bucket}`);
      pipeline.hgetall(`${keys.state}go:${bucket}`);
    }
    pipeline.hgetall(keys.fresh);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return value as Record<string, string>;
    });
  }
}

/**
 * Parsed hashes, indexed bucket → term → unit, merged over the partitions: counters add up, the
 * newest gauge reading (by its order) and the latest delivery win.
 */
class RedisStateSnapshot implements IndicatorState {
  private readonly counters = new Map<string, Map<string, Map<string, number>>>();
  private readonly gauges = new Map<string, Map<string, Map<string, { value: number; order: string }>>>();
  private readonly lastSeen = new Map<string, Map<string, number>>();

  addBucket(bucket: string, counters: Record<string, string>, gauges: Record<string, string>, orders: Record<string, string>): void {
    const byTerm = this.counters.get(bucket) ?? new Map<string, Map<string, number>>();
    for (const [field, amount] of Object.entries(counters)) {
      const [term, unit] = splitField(field);
      const units = byTerm.get(term) ?? new Map<string, number>();
      units.set(unit, (units.get(unit) ?? 0) + Number(amount));
      byTerm.set(term, units);
    }
    this.counters.set(bucket, byTerm);
    const gaugeByTerm = this.gauges.get(bucket) ?? new Map<string, Map<string, { value: number; order: string }>>();
    for (const [field, value] of Object.entries(gauges)) {
      const [term, unit] = splitField(field);
      const units = gaugeByTerm.get(term) ?? new Map<string, { value: number; order: string }>();
      const reading = { value: Number(value), order: orders[field] ?? '' };
      const current = units.get(unit);
      if (!current || current.order < reading.order) units.set(unit, reading);
      gaugeByTerm.set(term, units);
    }
    this.gauges.set(bucket, gaugeByTerm);
  }

  addSources(fresh: Record<string, string>): void {
    for (const [field, at] of Object.entries(fresh)) {
      const [unit, source] = splitField(field);
      const bySource = this.lastSeen.get(unit) ?? new Map<string, number>();
      bySource.set(source, Math.max(bySource.get(source) ?? 0, Number(at)));
      this.lastSeen.set(unit, bySource);
    }
  }

  term(term: TermSpec, buckets: string[]): ReadonlyMap<string, number> {
    const result = new Map<string, number>();
    if (term.kind === 'add') {
      for (const bucket of buckets) {
        for (const [unit, amount] of this.counters.get(bucket)?.get(term.id) ?? []) result.set(unit, (result.get(unit) ?? 0) + amount);
      }
      return result;
    }
    const newest = new Map<string, { value: number; order: string }>();
    for (const bucket of buckets) {
      for (const [unit, reading] of this.gauges.get(bucket)?.get(term.id) ?? []) {
        const current = newest.get(unit);
        if (!current || current.order < reading.order) newest.set(unit, reading);
      }
    }
    for (const [unit, reading] of newest) result.set(unit, reading.value);
    return result;
  }

  sources(): ReadonlyMap<string, ReadonlyMap<string, number>> {
    return this.lastSeen;
  }
}

const splitField = (field: string): [string, string] => {
  const at = field.indexOf('|');
  return [field.slice(0, at), field.slice(at + 1)];
};
