import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { RedisTopology } from '@ioc/config';
import { createRedisClient, type RedisClient } from '@ioc/platform';

/** Injection token of the app's shared ioredis client (commands, pub/sub publishing, health). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Module({})
export class RedisModule {
  static forRoot(topology: RedisTopology): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [{ provide: REDIS_CLIENT, useFactory: () => createRedisClient(topology) }, RedisLifecycle],
      exports: [REDIS_CLIENT],
    };
  }
}
