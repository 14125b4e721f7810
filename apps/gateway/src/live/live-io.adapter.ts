import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server, type ServerOptions } from 'socket.io';
import { createRedisClient, type RedisClient } from '@ioc/platform';
import { redisTopologyOf } from '@ioc/config';
import type { GatewayConfig } from '../config/gateway-config';
import { gatewayRedisKeys } from '../redis-keys';

/**
 * socket.io server with bounded messages and the Redis Streams adapter, which carries the
 * low-volume cross-process broadcasts (dashboard changes) to every gateway process. Indicator
 * updates do not go through it: each process reads the indicator stream itself and emits locally.
 */
export class LiveIoAdapter extends IoAdapter {
  private redis?: RedisClient;

  constructor(
    app: INestApplicationContext,
    private readonly config: GatewayConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    this.redis = createRedisClient(redisTopologyOf(this.config));
    // Our own socket.io (the one the contracts and clients are typed against), not Nest's nested copy.
    const serverOptions = { ...options, maxHttpBufferSize: this.config.LIVE_MAX_MESSAGE_BYTES };
    const server = this.httpServer && port === 0 ? new Server(this.httpServer, serverOptions) : new Server(port, serverOptions);
    server.adapter(
      createAdapter(this.redis, {
        streamName: gatewayRedisKeys(this.config.REDIS_PREFIX).socketIo,
        channelPrefix: gatewayRedisKeys(this.config.REDIS_PREFIX).socketIo,
        maxLen: 1000,
        // Bounds how long shutdown waits for the adapter's blocking read.
        blockTimeInMs: 1000,
      }),
    );
    return server;
  }

  override async close(server: Parameters<IoAdapter['close']>[0]): Promise<void> {
    await super.close(server);
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
