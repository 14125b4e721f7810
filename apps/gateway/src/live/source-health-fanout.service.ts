import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { StreamTail } from '@ioc/platform';
import { redisTopologyOf } from '@ioc/config';
import { SharedRedisKey, type SourceHealthUpdate, sharedRedisKey } from '@ioc/contracts';
import { PrismaService, sourceHealthOf } from '@ioc/persistence';
import { DATABASE_LOOKUPS, sharedLoader } from '../common/shared-loader';
import { GatewayConfig } from '../config/gateway-config';
import type { LiveNamespace, LiveSocket } from './live-socket';
import { entryPayload } from './stream-entries';

/** Authenticated sockets, all of which get source health (a display marks tiles fed by a sick source). */
export const SOURCE_HEALTH_ROOM = 'source-health';

/**
 * Follows the connectors' source-health stream and pushes each entry to this process's sockets;
 * a socket that joins first gets every source's current health, so a display that loads between
 * two pulls knows when its sources were last read instead of calling every tile stale.
 */
@Injectable()
export class SourceHealthFanoutService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SourceHealthFanoutService.name);
  private readonly reader: StreamTail;
  /** Sockets joining together (a reconnect storm) share one read of the sources. */
  private readonly currentHealth: DataLoader<'enabled', SourceHealthUpdate[]>;
  private namespace?: LiveNamespace;

  constructor(config: GatewayConfig, prisma: PrismaService) {
    this.currentHealth = sharedLoader(async (keys) => {
      const sources = await prisma.source.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } });
      const health = sources.map(sourceHealthOf);
      return keys.map(() => health);
    }, DATABASE_LOOKUPS);
    const key = sharedRedisKey(config.REDIS_PREFIX, SharedRedisKey.SourceHealth);
    this.reader = new StreamTail(redisTopologyOf(config), key, this.logger, (entries) => {
      for (const entry of entries) {
        const update = entryPayload(SharedRedisKey.SourceHealth, entry, key, this.logger);
        if (update) this.namespace?.local.to(SOURCE_HEALTH_ROOM).emit('source-health', update);
      }
    });
  }

  bind(namespace: LiveNamespace): void {
    this.namespace = namespace;
  }

  /** Sends the current health of every enabled source to one socket (it joined the room just now); never rejects. */
  async sendCurrent(socket: LiveSocket): Promise<void> {
    try {
      for (const health of await this.currentHealth.load('enabled')) socket.emit('source-health', health);
    } catch (error) {
      this.logger.warn({ socketId: socket.id }, `Current source health not sent: ${String(error)}`);
    }
  }

  onApplicationBootstrap(): Promise<void> {
    return this.reader.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.reader.stop();
  }
}
