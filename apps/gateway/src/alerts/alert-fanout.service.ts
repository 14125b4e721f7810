import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { StreamTail } from '@ioc/platform';
import { redisTopologyOf } from '@ioc/config';
import { SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import { GatewayConfig } from '../config/gateway-config';
import { type LiveNamespace, userRoom } from '../live/live-socket';
import { entryPayload } from '../live/stream-entries';

/**
 * Follows the aggregator's alert-notifications stream (one reader per gateway process) and emits
 * each notification to this process's sockets of its recipient. Every process reads the stream
 * itself, so the emit is local: going through the adapter would reach other processes twice.
 */
@Injectable()
export class AlertFanoutService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertFanoutService.name);
  private readonly reader: StreamTail;
  private namespace?: LiveNamespace;

  constructor(config: GatewayConfig) {
    const key = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.AlertNotifications);
    this.reader = new StreamTail(redisTopologyOf(config), key, this.logger, (entries) => {
      for (const entry of entries) {
        const notification = entryPayload(SharedRedisKey.AlertNotifications, entry, key, this.logger);
        if (notification) this.namespace?.local.to(userRoom(notification.userId)).emit('alert', notification);
      }
    });
  }

  bind(namespace: LiveNamespace): void {
    this.namespace = namespace;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.reader.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.reader.stop();
  }
}
