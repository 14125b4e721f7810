import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { RedisTopology } from '@ioc/config';
import { QueueName, redisQueuePrefix } from '@ioc/contracts';
import { createRedisClient, type RedisClient } from '@ioc/platform';
import { DEFAULT_JOB_OPTIONS } from './job-options';

export interface QueuesOptions {
  topology: RedisTopology;
  /** REDIS_PREFIX: queues live under its hash tag, so deployments and test runs never collide. */
  prefix: string;
  queues: QueueName[];
}

const QUEUES_CONNECTION = Symbol('QUEUES_CONNECTION');

/** BullMQ never closes a connection it was handed, so the module does once the queues are closed. */
@Injectable()
class QueuesConnectionLifecycle implements OnApplicationShutdown {
  constructor(@Inject(QUEUES_CONNECTION) private readonly connection: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

/** BullMQ for an app: one shared connection, the deployment's prefix, the queues it uses. */
@Module({})
export class QueuesModule {
  static forRoot({ topology, prefix, queues }: QueuesOptions): DynamicModule {
    const connection = createRedisClient(topology);
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection, prefix: redisQueuePrefix(prefix) }),
        BullModule.registerQueue(...queues.map((name) => ({ name, defaultJobOptions: DEFAULT_JOB_OPTIONS[name] }))),
      ],
      providers: [{ provide: QUEUES_CONNECTION, useValue: connection }, QueuesConnectionLifecycle],
      exports: [BullModule],
    };
  }
}
