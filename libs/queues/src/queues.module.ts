import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { QueueName } from '@ioc/contracts';
import { DEFAULT_JOB_OPTIONS } from './job-options';
import { createRedisConnection } from './redis-connection';

export interface QueuesOptions {
  redisUrl: string;
  /** Key prefix for every queue (REDIS_PREFIX), so deployments and test runs never collide. */
  prefix: string;
  queues: QueueName[];
}

const QUEUES_CONNECTION = Symbol('QUEUES_CONNECTION');

/** BullMQ never closes a connection it was handed, so the module does once the queues are closed. */
@Injectable()
class QueuesConnectionLifecycle implements OnApplicationShutdown {
  constructor(@Inject(QUEUES_CONNECTION) private readonly connection: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

/** BullMQ for an app: one shared connection, the deployment's prefix, the queues it uses. */
@Module({})
export class QueuesModule {
  static forRoot({ redisUrl, prefix, queues }: QueuesOptions): DynamicModule {
    const connection = createRedisConnection(redisUrl);
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection, prefix }),
        BullModule.registerQueue(...queues.map((name) => ({ name, defaultJobOptions: DEFAULT_JOB_OPTIONS[name] }))),
      ],
      providers: [{ provide: QUEUES_CONNECTION, useValue: connection }, QueuesConnectionLifecycle],
      exports: [BullModule],
    };
  }
}
