import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@ioc/persistence';
import type { Principal } from '../auth/principal';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/domain-errors';
import { GatewayConfig } from '../config/gateway-config';
import type { PushSubscriptionDto } from './dto/push-subscription.dto';

/** Web Push subscriptions of leaders' browsers; the aggregator's notifier sends to them with the matching VAPID private key. */
@Injectable()
export class PushService {
  private readonly logger = new Logger(PushService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: GatewayConfig,
  ) {}

  publicKey(): { publicKey: string } {
    if (!this.config.VAPID_PUBLIC_KEY) throw new NotFoundError('Web Push is not configured on this gateway (VAPID_PUBLIC_KEY is empty)');
    return { publicKey: this.config.VAPID_PUBLIC_KEY };
  }

  /** Saves (or refreshes) the caller's subscription; an endpoint is one browser, so it belongs to one user. */
  async subscribe(principal: Principal, subscription: PushSubscriptionDto, userAgent: string | undefined): Promise<{ id: string }> {
    const userId = this.userOf(principal);
    const existing = await this.prisma.pushSubscription.findUnique({ where: { endpoint: subscription.endpoint } });
    if (existing && existing.userId !== userId)
      throw new ConflictError('This browser is subscribed for another user; unsubscribe there first', ['endpoint']);
    const data = { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth, userAgent: userAgent?.slice(0, 512) ?? null };
    const saved = await this.prisma.pushSubscription.upsert({
      where: { endpoint: subscription.endpoint },
      create: { userId, endpoint: subscription.endpoint, ...data },
      update: data,
    });
    this.logger.log(`Push subscription ${saved.id} ${existing ? 'refreshed' : 'added'} for user ${principal.name}`);
    return { id: saved.id };
  }

  async unsubscribe(principal: Principal, endpoint: string): Promise<void> {
    const { count } = await this.prisma.pushSubscription.deleteMany({ where: { endpoint, userId: this.userOf(principal) } });
    if (count === 0) throw new NotFoundError('No push subscription of yours has this endpoint', ['endpoint']);
  }

  private userOf(principal: Principal): string {
    if (principal.kind !== 'user')
      throw new ForbiddenError('Push subscriptions belong to users: sign in with a user account, not an API key');
    return principal.id;
  }
}
