import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Clock } from '@ioc/alerting';
import { QueueName, type NotificationJob } from '@ioc/contracts';
import { PrismaService } from '@ioc/persistence';
import { AggregatorMetricsService } from '../metrics/aggregator-metrics.service';
import { ALERT_CLOCK } from './alert-clock';
import { NotificationChannelsService, SubscriptionExpiredError } from './notification-channels.service';

/**
 * Delivers one notification per job. Idempotent: a delivery already SENT (or EXPIRED) is not
 * sent again, whatever retries or restarts replay the job. Every attempt is logged in
 * notification_attempts; the delivery row keeps the latest outcome.
 */
@Processor(QueueName.Notifications, { concurrency: 8 })
export class NotificationDeliveryProcessor extends WorkerHost {
  private readonly logger = new Logger(NotificationDeliveryProcessor.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly channels: NotificationChannelsService,
    @Inject(ALERT_CLOCK) private readonly clock: Clock,
    private readonly metrics: AggregatorMetricsService,
  ) {
    super();
  }

  async process(job: Job<NotificationJob>): Promise<void> {
    const { deliveryId } = job.data;
    const delivery = await this.prisma.notificationDelivery.findUnique({ where: { id: deliveryId } });
    if (!delivery) throw new UnrecoverableError(`delivery ${deliveryId} does not exist`);
    if (delivery.status === 'SENT' || delivery.status === 'EXPIRED') return;

    const attempt = delivery.attempts + 1;
    const context = { jobId: job.id, deliveryId, channel: delivery.channel, userId: delivery.userId, attempt };
    try {
      const statusCode = await this.channels.send(delivery, this.clock.now());
      await this.prisma.$transaction([
        this.prisma.notificationDelivery.update({
          where: { id: deliveryId },
          data: { status: 'SENT', attempts: attempt, lastStatusCode: statusCode, lastError: null, deliveredAt: new Date() },
        }),
        this.prisma.notificationAttempt.create({ data: { deliveryId, attempt, status: 'SENT', statusCode } }),
      ]);
      this.metrics.notifications.inc({ channel: delivery.channel, outcome: 'sent' });
      this.logger.log(context, 'Notification delivered');
    } catch (error) {
      const message = (error as Error).message;
      const statusCode = (error as { statusCode?: number | null }).statusCode ?? null;
      const expired = error instanceof SubscriptionExpiredError;
      const final = expired || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const status = expired ? 'EXPIRED' : final ? 'FAILED' : 'PENDING';
      this.metrics.notifications.inc({ channel: delivery.channel, outcome: expired ? 'expired' : final ? 'failed' : 'retry' });
      await this.prisma.$transaction([
        this.prisma.notificationDelivery.update({
          where: { id: deliveryId },
          data: { status, attempts: attempt, lastStatusCode: statusCode, lastError: message },
        }),
        this.prisma.notificationAttempt.create({
          data: { deliveryId, attempt, status: expired ? 'EXPIRED' : 'FAILED', statusCode, error: message },
        }),
      ]);
      if (expired) {
        await this.prisma.pushSubscription.deleteMany({ where: { endpoint: delivery.destination } });
        this.logger.warn(context, 'Push subscription expired and removed');
        return;
      }
      this.logger.warn({ ...context, statusCode, final }, `Notification attempt failed: ${message}`);
      throw error;
    }
  }
}
