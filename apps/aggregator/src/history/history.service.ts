import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { IndicatorReading, RecomputeJob, RecomputeProgress, RecomputeResult } from '@ioc/contracts';
import { evaluateIndicator, historyBuckets, startOfLocalDay, type IndicatorValue } from '@ioc/indicators';
import { PrismaService, type SnapshotResolution } from '@ioc/persistence';
import { REDIS_CLIENT } from '@ioc/queues';
import { PeriodicTask, type RedisClient, RedisLease } from '@ioc/platform';
import { LiveValuesService } from '../aggregation/live-values.service';
import { StoredEventsService } from '../aggregation/stored-events.service';
import { CatalogService } from '../catalog/catalog.service';
import { CLOCK, type Clock } from '../clock/clock';
import { AggregatorConfig } from '../config/aggregator-config';
import { aggregatorRedisKeys } from '../redis-keys';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface HistoryPoint extends IndicatorReading {
  bucketStart: Date;
  own: IndicatorReading;
  asOf: Date;
}

/**
 * History in indicator_snapshots: every interval the live values are written as the current
 * minute's row and as the current hour's and local day's rows (upserted, so an hour or a day
 * keeps the value as of its end: the natural rollup of window-to-date indicators). Old rows
 * are pruned per resolution. One process per minute does it (a Redis gate).
 */
@Injectable()
export class HistoryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HistoryService.name);
  private readonly snapshots: PeriodicTask;

  constructor(
    private readonly prisma: PrismaService,
    private readonly catalog: CatalogService,
    private readonly values: LiveValuesService,
    private readonly stored: StoredEventsService,
    private readonly config: AggregatorConfig,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.snapshots = new PeriodicTask('Snapshot', config.AGGREGATOR_SNAPSHOT_INTERVAL_MS, () => this.snapshotOncePerMinute(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.snapshots.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.snapshots.stop();
  }

  private async snapshotOncePerMinute(): Promise<void> {
    const now = this.clock.now();
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    // Never released: the minute's lease expires after the minute, so each minute is snapshotted once.
    const { lease } = await RedisLease.tryAcquire(this.redis, aggregatorRedisKeys(this.config.REDIS_PREFIX).snapshotGate(minute), 120_000);
    if (!lease) return;
    await this.snapshot(now);
    await this.prune(now);
  }

  /** Writes the values as of `now` into the minute, hour and day buckets. Returns rows written. */
  async snapshot(now: Date): Promise<number> {
    const live = await this.values.compute(now);
    const { unitIds } = this.catalog.current();
    const buckets: [SnapshotResolution, Date][] = [
      ['MINUTE', new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS)],
      ['HOUR', new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS)],
      ['DAY', startOfLocalDay(now)],
    ];
    const rows = live.flatMap((v) => buckets.map(([resolution, start]) => ({ v, resolution, start, unitId: unitIds.get(v.unitCode)! })));
    return this.upsert(rows, now);
  }

  /**
   * Rebuilds the history of [from, to) from source_events: each bucket that starts in the range gets
   * the value recomputed as of its last millisecond (or now, for the running one), the instant the
   * live snapshots approach. Only the chosen indicator and unit subtree are written. Freshness
   * indicators are left alone: they measure when data arrived, which the stored events do not keep.
   */
  async recomputePeriod(job: RecomputeJob, progress: (update: RecomputeProgress) => Promise<void>): Promise<RecomputeResult> {
    const { definitions, unitIds } = this.catalog.current();
    const recomputable = definitions.filter((d) => d.formula.op !== 'freshness');
    const indicators = job.indicatorId ? recomputable.filter((d) => d.id === job.indicatorId) : recomputable;
    if (indicators.length === 0)
      throw new Error(`Indicator ${job.indicatorId} is unknown, disabled, or a freshness indicator (not recomputable from events)`);
    let units: Set<string> | null = null;
    if (job.unitCode) {
      const unit = await this.prisma.administrativeUnit.findUnique({ where: { code: job.unitCode } });
      if (!unit) throw new Error(`Unknown unit ${job.unitCode}`);
      const subtree = await this.prisma.administrativeUnit.findMany({ where: { path: { startsWith: unit.path } }, select: { code: true } });
      units = new Set(subtree.map((u) => u.code));
    }
    const buckets = historyBuckets(new Date(job.from), new Date(job.to), job.resolutions, this.clock.now());
    const byInstant = new Map<number, typeof buckets>();
    for (const bucket of buckets) byInstant.set(bucket.asOf.getTime(), [...(byInstant.get(bucket.asOf.getTime()) ?? []), bucket]);
    const total = byInstant.size * indicators.length;
    let done = 0;
    let written = 0;
    await progress({ done, total, rows: written });
    for (const [instant, atInstant] of [...byInstant.entries()].sort(([a], [b]) => a - b)) {
      const asOf = new Date(instant);
      for (const definition of indicators) {
        const values = (await this.recompute(definition.id, asOf)).filter((v) => !units || units.has(v.unitCode));
        const rows = values.flatMap((v) =>
          atInstant.map((bucket) => ({ v, resolution: bucket.resolution, start: bucket.start, unitId: unitIds.get(v.unitCode)! })),
        );
        written += await this.upsert(rows, asOf);
        done += 1;
        await progress({ done, total, rows: written });
      }
    }
    this.logger.log({ ...job, buckets: buckets.length, rows: written }, 'History recomputed');
    return { buckets: buckets.length, rows: written };
  }

  private async upsert(
    rows: { v: IndicatorValue; resolution: SnapshotResolution; start: Date; unitId: string }[],
    asOf: Date,
  ): Promise<number> {
    if (rows.length === 0) return 0;
    return this.prisma.$executeRawUnsafe(
      `INSERT INTO indicator_snapshots (indicator_id, unit_id, resolution, bucket_start, value, numerator, denominator, own_value, own_numerator, own_denominator, as_of)
       SELECT i, u, r::"SnapshotResolution", b, v, n, d, ov, onum, oden, $11
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[])
         AS t(i, u, r, b, v, n, d, ov, onum, oden)
       ON CONFLICT (indicator_id, unit_id, resolution, bucket_start)
       DO UPDATE SET value = EXCLUDED.value, numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator,
         own_value = EXCLUDED.own_value, own_numerator = EXCLUDED.own_numerator, own_denominator = EXCLUDED.own_denominator, as_of = EXCLUDED.as_of`,
      rows.map((r) => r.v.indicatorId),
      rows.map((r) => r.unitId),
      rows.map((r) => r.resolution),
      rows.map((r) => r.start),
      rows.map((r) => r.v.value),
      rows.map((r) => r.v.numerator),
      rows.map((r) => r.v.denominator),
      rows.map((r) => r.v.own.value),
      rows.map((r) => r.v.own.numerator),
      rows.map((r) => r.v.own.denominator),
      asOf,
    );
  }

  /** Deletes rows older than each resolution's retention. Returns rows deleted. */
  async prune(now: Date): Promise<number> {
    const cutoffs: [SnapshotResolution, number][] = [
      ['MINUTE', this.config.AGGREGATOR_RETAIN_MINUTE_HOURS * HOUR_MS],
      ['HOUR', this.config.AGGREGATOR_RETAIN_HOUR_DAYS * DAY_MS],
      ['DAY', this.config.AGGREGATOR_RETAIN_DAY_DAYS * DAY_MS],
    ];
    let deleted = 0;
    for (const [resolution, retention] of cutoffs) {
      const { count } = await this.prisma.indicatorSnapshot.deleteMany({
        where: { resolution, bucketStart: { lt: new Date(now.getTime() - retention) } },
      });
      deleted += count;
    }
    return deleted;
  }

  /** Stored values of one indicator for one unit at a resolution, bucket_start in [from, to). */
  async range(indicatorId: string, unitCode: string, resolution: SnapshotResolution, from: Date, to: Date): Promise<HistoryPoint[]> {
    const rows = await this.prisma.indicatorSnapshot.findMany({
      where: { indicatorId, unit: { code: unitCode }, resolution, bucketStart: { gte: from, lt: to } },
      orderBy: { bucketStart: 'asc' },
    });
    return rows.map((row) => ({
      bucketStart: row.bucketStart,
      value: row.value,
      numerator: row.numerator,
      denominator: row.denominator,
      own: { value: row.ownValue, numerator: row.ownNumerator, denominator: row.ownDenominator },
      asOf: row.asOf,
    }));
  }

  /**
   * Recomputes an indicator as of a past instant from the events stored in source_events
   * (those its window covers at that instant), for every unit: the same core as the live path.
   */
  async recompute(indicatorId: string, at: Date): Promise<IndicatorValue[]> {
    const { definitions, tree } = this.catalog.current();
    const definition = definitions.find((d) => d.id === indicatorId);
    if (!definition) throw new Error(`Unknown indicator ${indicatorId}`);
    const state = await this.stored.stateAt(definition, at);
    return evaluateIndicator(definition, tree, state, at);
  }
}
