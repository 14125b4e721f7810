import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SharedRedisKey, sharedRedisKey, type SourceHealthUpdate } from '@ioc/contracts';
import { GatewayConfig } from '../config/gateway-config';
import type { LiveNamespace } from './live-socket';
import { entryPayload, StreamReader } from './stream-reader';

/** Authenticated sockets, all of which get source health (a display marks tiles fed by a sick source). */
export const SOURCE_HEALTH_ROOM = 'source-health';

/** Follows the connectors' source-health stream and pushes each entry to this process's sockets. */
@Injectable()
export class SourceHealthFanoutService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SourceHealthFanoutService.name);
  private readonly reader: StreamReader;
  private namespace?: LiveNamespace;

  constructor(config: GatewayConfig) {
    const key = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.SourceHealth);
    this.reader = new StreamReader(config.REDIS_URL, key, this.logger, (entries) => {
      for (const entry of entries) {
        const update = entryPayload<SourceHealthUpdate>(entry, key, this.logger);
        if (update) this.namespace?.local.to(SOURCE_HEALTH_ROOM).emit('source-health', update);
      }
    });
  }

  bind(namespace: LiveNamespace): void {
    this.namespace = namespace;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.reader.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.reader.stop();
  }
}
