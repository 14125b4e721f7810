import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { QueueName } from '@ioc/contracts';
import { ConnectorRegistry, parseSchedule } from '@ioc/connector-sdk';
import { PrismaService } from '@ioc/persistence';
import { DEFAULT_JOB_OPTIONS, InjectTypedQueue, type TypedQueue } from '@ioc/queues';
import { PeriodicTask } from '@ioc/platform';
import { ConnectorsConfig } from '../config/connectors-config';

const schedulerId = (sourceId: string): string => `pull-${sourceId}`;

/**
 * Keeps one BullMQ job scheduler per enabled pull source, matching its schedule; reconciled at
 * start and every SOURCE_RECONCILE_MS, so sources added or changed in the table take effect
 * without a restart. Push sources have no schedule.
 */
@Injectable()
export class PullSchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PullSchedulerService.name);
  private readonly reconciles: PeriodicTask;

  constructor(
    @InjectTypedQueue(QueueName.SourcePull) private readonly queue: TypedQueue<typeof QueueName.SourcePull>,
    private readonly prisma: PrismaService,
    private readonly registry: ConnectorRegistry,
    private readonly config: ConnectorsConfig,
  ) {
    this.reconciles = new PeriodicTask('Schedule reconciliation', config.SOURCE_RECONCILE_MS, () => this.reconcile(), this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile();
    this.reconciles.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.reconciles.stop();
  }

  async reconcile(): Promise<void> {
    const known = new Set(this.registry.list().map((connector) => connector.spec.id));
    const sources = await this.prisma.source.findMany({
      where: { enabled: true },
      select: { id: true, connectorType: true, schedule: true },
    });
    const wanted = new Set<string>();
    for (const source of sources) {
      if (!known.has(source.connectorType)) continue;
      try {
        const repeat = parseSchedule(source.schedule);
        await this.queue.upsertJobScheduler(schedulerId(source.id), repeat, {
          name: 'pull',
          data: { sourceId: source.id },
          opts: DEFAULT_JOB_OPTIONS[QueueName.SourcePull],
        });
        wanted.add(schedulerId(source.id));
      } catch (error) {
        this.logger.warn({ sourceId: source.id, err: (error as Error).message }, 'source not scheduled');
      }
    }
    for (const scheduler of await this.queue.getJobSchedulers()) {
      if (scheduler.key.startsWith('pull-') && !wanted.has(scheduler.key)) await this.queue.removeJobScheduler(scheduler.key);
    }
  }
}
