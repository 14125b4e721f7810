import { Inject, Injectable, Logger } from '@nestjs/common';
import { type RedisClient } from '@ioc/platform';
import { SharedRedisKey, sharedRedisKey, type SourceHealthStatus, type SourceHealthUpdate, encodeStreamEntry } from '@ioc/contracts';
import { PrismaService, sourceHealthOf, type Source } from '@ioc/persistence';
import { REDIS_CLIENT } from '@ioc/queues';
import { ConnectorsConfig } from '../config/connectors-config';
import { ConnectorMetricsService } from '../metrics/connector-metrics.service';

/** Entries kept on the shared source-health stream. */
const STREAM_MAX_LENGTH = 10_000;

/**
 * Source health after each pull: persisted on the sources row and published on the shared
 * Redis stream for the gateway. A failing source is DEGRADED while its last success is recent,
 * DOWN after SOURCE_DOWN_AFTER_S; lag is the age of the newest change read from it.
 */
@Injectable()
export class SourceHealthService {
  private readonly logger = new Logger(SourceHealthService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: ConnectorsConfig,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly metrics: ConnectorMetricsService,
  ) {}

  async recordSuccess(sourceId: string, newestChange: Date | null): Promise<SourceHealthUpdate> {
    const now = new Date();
    const source = await this.prisma.source.update({
      where: { id: sourceId },
      data: {
        health: 'OK',
        lastSuccessAt: now,
        lagSeconds: newestChange ? Math.max(0, Math.round((now.getTime() - newestChange.getTime()) / 1000)) : null,
      },
    });
    if (source.lagSeconds !== null) this.metrics.pullLag.set({ source: sourceId }, source.lagSeconds);
    return this.publish(source);
  }

  async recordFailure(sourceId: string, error: Error): Promise<SourceHealthUpdate> {
    const now = new Date();
    const current = await this.prisma.source.findUniqueOrThrow({ where: { id: sourceId }, select: { lastSuccessAt: true } });
    const recent = current.lastSuccessAt && now.getTime() - current.lastSuccessAt.getTime() < this.config.SOURCE_DOWN_AFTER_S * 1000;
    const status: SourceHealthStatus = recent ? 'DEGRADED' : 'DOWN';
    const source = await this.prisma.source.update({
      where: { id: sourceId },
      data: { health: status, lastErrorAt: now, lastError: error.message.slice(0, 2000) },
    });
    this.logger.warn({ sourceId, status, err: error.message }, 'source pull failed');
    return this.publish(source);
  }

  private async publish(source: Source): Promise<SourceHealthUpdate> {
    const update = sourceHealthOf(source);
    await this.redis.xadd(
      sharedRedisKey(this.config.REDIS_PREFIX, SharedRedisKey.SourceHealth),
      'MAXLEN',
      '~',
      STREAM_MAX_LENGTH,
      '*',
      ...encodeStreamEntry(SharedRedisKey.SourceHealth, update),
    );
    return update;
  }
}
