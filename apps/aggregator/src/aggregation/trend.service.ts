import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { streamKey } from '@ioc/contracts';
import type { TrendPoint } from '@ioc/indicators';
import { PrismaService } from '@ioc/persistence';
import { PeriodicTask } from '@ioc/platform';
import { CatalogService } from '../catalog/catalog.service';
import { CLOCK, type Clock } from '../clock/clock';
import { AggregatorConfig } from '../config/aggregator-config';

/**
 * The recent daily history of indicators that have dated targets, the trend their projection
 * to the deadline is fitted on. Reloaded with each snapshot interval (it changes once a day).
 */
@Injectable()
export class TrendService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TrendService.name);
  private byStream = new Map<string, TrendPoint[]>();
  private readonly reloads: PeriodicTask;

  constructor(
    private readonly prisma: PrismaService,
    private readonly catalog: CatalogService,
    private readonly config: AggregatorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.reloads = new PeriodicTask('Trend reload', config.AGGREGATOR_SNAPSHOT_INTERVAL_MS, () => this.reload(), this.logger);
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.reloads.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.reloads.stop();
  }

  points(stream: string): TrendPoint[] {
    return this.byStream.get(stream) ?? [];
  }

  async reload(): Promise<void> {
    const indicatorIds = [
      ...new Set(
        this.catalog
          .current()
          .targets.filter((t) => t.deadline)
          .map((t) => t.indicatorId),
      ),
    ];
    const since = new Date(this.clock.now().getTime() - this.config.AGGREGATOR_TREND_DAYS * 86_400_000);
    const rows = await this.prisma.indicatorSnapshot.findMany({
      where: { indicatorId: { in: indicatorIds }, resolution: 'DAY', bucketStart: { gte: since } },
      include: { unit: { select: { code: true } } },
      orderBy: { bucketStart: 'asc' },
    });
    const byStream = new Map<string, TrendPoint[]>();
    for (const row of rows) {
      // Subtree values under the stream's key, own values under "<stream>:own".
      const key = streamKey(row.indicatorId, row.unit.code);
      if (row.value !== null) byStream.set(key, [...(byStream.get(key) ?? []), { at: row.asOf, value: row.value }]);
      if (row.ownValue !== null) byStream.set(`${key}:own`, [...(byStream.get(`${key}:own`) ?? []), { at: row.asOf, value: row.ownValue }]);
    }
    this.byStream = byStream;
  }
}
