import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { SourcePullJob } from '@ioc/contracts';
import { runRead, type ConnectorLogger } from '@ioc/connector-sdk';
import { PrismaService } from '@ioc/persistence';
import { ConnectorsConfig } from '../config/connectors-config';
import { ConnectorMetricsService } from '../metrics/connector-metrics.service';
import { SourceHealthService } from '../source-health/source-health.service';
import { EventRulesService } from '../event-rules/event-rules.service';
import { EventPublisherService } from './event-publisher.service';
import { SourceContextService } from './source-context.service';

export interface PullReport {
  sourceId: string;
  status: 'done' | 'failed' | 'skipped';
  events: number;
  deadLettered: number;
}

/**
 * One pull of a source: every stream (or the backfill's one) read from its cursor, each batch
 * validated, its events queued, its refused records dead-lettered, and only then its cursor
 * saved (the Singer rule: a crash may repeat a batch, never skip one). A backfill reads a range
 * and leaves the live cursor alone. Failures become source health, never a crash.
 */
@Injectable()
export class SyncService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncService.name);
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly sources: SourceContextService,
    private readonly publisher: EventPublisherService,
    private readonly health: SourceHealthService,
    private readonly eventRules: EventRulesService,
    private readonly config: ConnectorsConfig,
    private readonly metrics: ConnectorMetricsService,
  ) {}

  async pull(job: SourcePullJob): Promise<PullReport> {
    const { sourceId, backfill } = job;
    const runKey = backfill ? `${sourceId}:backfill:${backfill.stream}:${backfill.from}:${backfill.to}` : sourceId;
    const report: PullReport = { sourceId, status: 'skipped', events: 0, deadLettered: 0 };
    if (this.running.has(runKey)) return report;
    const source = await this.prisma.source.findUnique({ where: { id: sourceId } });
    if (!source || !source.enabled) return report;

    const abort = new AbortController();
    this.running.set(runKey, abort);
    const logger = this.connectorLogger(sourceId);
    let failure: Error | undefined;
    try {
      const { connector, config, credentials, http } = this.sources.resolve(source);
      const streams = backfill ? [backfill.stream] : connector.discover(config).map((stream) => stream.name);
      for (const stream of streams) {
        try {
          const cursor = backfill ? null : ((source.cursor as Record<string, string>)[stream] ?? null);
          for await (const batch of runRead({
            connector,
            sourceId,
            stream,
            config,
            credentials,
            http,
            cursor,
            logger,
            metrics: this.metrics.forStream(sourceId, stream),
            range: backfill ? { from: new Date(backfill.from), to: new Date(backfill.to) } : undefined,
            validation: await this.eventRules.rules(),
            maxRecordBytes: this.config.MAX_RECORD_BYTES,
            signal: abort.signal,
          })) {
            await this.publisher.publish(sourceId, stream, batch.events);
            await this.publisher.deadLetter(sourceId, stream, batch.refused, 'connector');
            if (!backfill && batch.cursor !== null) await this.saveCursor(sourceId, stream, batch.cursor);
            report.events += batch.events.length;
            report.deadLettered += batch.refused.length;
          }
        } catch (error) {
          failure ??= error as Error;
          logger.warn(`stream ${stream} failed`, { stream, err: (error as Error).message });
        }
      }
    } catch (error) {
      failure = error as Error;
    } finally {
      this.running.delete(runKey);
    }

    if (failure) {
      this.metrics.pullFailures.inc({ source: sourceId });
      await this.health.recordFailure(sourceId, failure);
    } else if (!backfill) await this.health.recordSuccess(sourceId, await this.newestChange(sourceId));
    report.status = failure ? 'failed' : 'done';
    // Every poll: detail for debugging; source health changes are what info reports.
    this.logger.debug({ backfill: backfill ?? undefined, ...report }, 'pull finished');
    if (failure && backfill) throw failure;
    return report;
  }

  /** Stops reading at the next page boundary so shutdown never waits on a long sync. */
  beforeApplicationShutdown(): void {
    for (const abort of this.running.values()) abort.abort();
  }

  /** Sets one stream's cursor atomically, leaving the others' as they are. */
  private async saveCursor(sourceId: string, stream: string, cursor: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE sources SET cursor = jsonb_set(cursor, ARRAY[${stream}]::text[], to_jsonb(${cursor}::text)), updated_at = now()
      WHERE id = ${sourceId}::uuid`;
  }

  private async newestChange(sourceId: string): Promise<Date | null> {
    const { cursor } = await this.prisma.source.findUniqueOrThrow({ where: { id: sourceId }, select: { cursor: true } });
    const instants = Object.values(cursor as Record<string, string>)
      .map((value) => Date.parse(value))
      .filter((ms) => !Number.isNaN(ms));
    return instants.length > 0 ? new Date(Math.max(...instants)) : null;
  }

  private connectorLogger(sourceId: string): ConnectorLogger {
    return {
      debug: (message, fields) => this.logger.debug({ sourceId, ...fields }, message),
      info: (message, fields) => this.logger.log({ sourceId, ...fields }, message),
      warn: (message, fields) => this.logger.warn({ sourceId, ...fields }, message),
    };
  }
}
