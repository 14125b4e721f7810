import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Observable } from 'rxjs';
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

  /**
   * Nest's message binding without its per-socket rxjs chains. Nest builds an observable pipeline
   * for every handler of every socket and tears them down on disconnect: when 10,000 displays
   * dropped at once that teardown took an eighth of the gateway's CPU, and the chains sit in every
   * socket's memory. Same behaviour: the handler's result, unless nil, is the ack (or an event).
   */
  override bindMessageHandlers(
    socket: Parameters<IoAdapter['bindMessageHandlers']>[0],
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        // As rxjs fromEvent hands it to Nest: a lone argument alone, several as an array.
        const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
        transform(callback(data, ack)).subscribe((response) => {
          if (response === null || response === undefined || socket.disconnected) return;
          const event = response as { event?: string; data?: unknown };
          if (event.event) socket.emit(event.event, event.data);
          else if (!isAckHandledManually && typeof ack === 'function') (ack as (response: unknown) => void)(response);
        });
      });
    }
  }

  override async close(server: Parameters<IoAdapter['close']>[0]): Promise<void> {
    await super.close(server);
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
