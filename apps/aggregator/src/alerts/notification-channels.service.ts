import { createHmac } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import webpush from 'web-push';
import { type RedisClient } from '@ioc/platform';
import { type AlertNotification, SharedRedisKey, sharedRedisKey, encodeStreamEntry } from '@ioc/contracts';
import { PrismaService, type NotificationDelivery } from '@ioc/persistence';
import { REDIS_CLIENT } from '@ioc/queues';
import { AggregatorConfig } from '../config/aggregator-config';
import { parseDeliveryPayload } from '@ioc/alerting';

/** A failed attempt; `statusCode` when the far end answered. */
export class DeliveryFailedError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryFailedError';
  }
}

/** The push service says the subscription is gone (404/410): remove it, never retry. */
export class SubscriptionExpiredError extends DeliveryFailedError {
  constructor(statusCode: number) {
    super(`push subscription expired (HTTP ${statusCode})`, statusCode);
    this.name = 'SubscriptionExpiredError';
  }
}

const HTTP_TIMEOUT_MS = 10_000;
const PUSH_BODY_LIMIT = 1000;
const IN_APP_STREAM_MAXLEN = 10_000;

/** Header the webhook receiver checks: "sha256=" + hex HMAC-SHA256(secret, "<timestamp>.<body>"). */
export const webhookSignature = (secret: string, timestamp: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/** Sends one delivery over its channel; returns the far end's HTTP status (null when not HTTP). */
@Injectable()
export class NotificationChannelsService implements OnModuleDestroy {
  private mailer: Transporter | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AggregatorConfig,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
  ) {}

  onModuleDestroy(): void {
    this.mailer?.close();
  }

  async send(delivery: NotificationDelivery, at: Date): Promise<number | null> {
    const parsed = parseDeliveryPayload(delivery.payload);
    if (!parsed.ok) throw new Error(`Delivery ${delivery.id} has an unreadable payload (invalid ${parsed.invalid.join(', ')})`);
    const notification: AlertNotification = {
      ...parsed.payload,
      deliveryId: delivery.id,
      sentAt: at.toISOString(),
    };
    switch (delivery.channel) {
      case 'IN_APP':
        await this.redis.xadd(
          sharedRedisKey(this.config.REDIS_PREFIX, SharedRedisKey.AlertNotifications),
          'MAXLEN',
          '~',
          IN_APP_STREAM_MAXLEN,
          '*',
          ...encodeStreamEntry(SharedRedisKey.AlertNotifications, notification),
        );
        return null;
      case 'WEBHOOK':
        return this.webhook(delivery.destination, notification, at);
      case 'WEB_PUSH':
        return this.webPush(delivery.destination, notification);
      case 'EMAIL':
        await this.email(delivery.destination, notification);
        return null;
    }
  }

  private async webhook(url: string, notification: AlertNotification, at: Date): Promise<number> {
    const body = JSON.stringify(notification);
    const timestamp = String(Math.floor(at.getTime() / 1000));
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-ioc-delivery': notification.deliveryId,
        'x-ioc-timestamp': timestamp,
        'x-ioc-signature': webhookSignature(this.config.ALERT_WEBHOOK_SECRET, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new DeliveryFailedError(`webhook unreachable: ${(error as Error).message}`);
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new DeliveryFailedError(`webhook answered HTTP ${response.status}`, response.status);
    return response.status;
  }

  /**
   * Encrypts (RFC 8291 aes128gcm) and signs (VAPID) with web-push, then posts with fetch so the
   * status code is ours to judge: 404/410 mean the browser dropped the subscription.
   */
  private async webPush(endpoint: string, notification: AlertNotification): Promise<number> {
    const subscription = await this.prisma.pushSubscription.findUnique({ where: { endpoint } });
    if (!subscription) throw new SubscriptionExpiredError(410);
    const payload = JSON.stringify({
      deliveryId: notification.deliveryId,
      severity: notification.severity,
      title: notification.title,
      body: notification.body.length > PUSH_BODY_LIMIT ? `${notification.body.slice(0, PUSH_BODY_LIMIT - 1)}…` : notification.body,
      link: notification.link,
      groupKey: notification.groupKey,
    });
    const request = webpush.generateRequestDetails({ endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }, payload, {
      vapidDetails: {
        subject: this.config.VAPID_SUBJECT,
        publicKey: this.config.VAPID_PUBLIC_KEY,
        privateKey: this.config.VAPID_PRIVATE_KEY,
      },
      TTL: 24 * 3600,
      urgency: notification.severity === 'CRITICAL' ? 'high' : 'normal',
      topic: notification.groupKey.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32),
    });
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: request.body ?? undefined,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new DeliveryFailedError(`push service unreachable: ${(error as Error).message}`);
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status === 404 || response.status === 410) throw new SubscriptionExpiredError(response.status);
    if (!response.ok) throw new DeliveryFailedError(`push service answered HTTP ${response.status}`, response.status);
    await this.prisma.pushSubscription.update({ where: { endpoint }, data: { lastUsedAt: new Date() } });
    return response.status;
  }

  private async email(to: string, notification: AlertNotification): Promise<void> {
    this.mailer ??= createTransport(this.config.SMTP_URL);
    await this.mailer
      .sendMail({ from: this.config.SMTP_FROM, to, subject: notification.title, text: notification.body })
      .catch((error: unknown) => {
        throw new DeliveryFailedError(`SMTP refused: ${(error as Error).message}`);
      });
  }
}
