import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { QueueName } from '@ioc/contracts';
import { DEFAULT_JOB_OPTIONS } from './job-options';
import { createRedisConnection } from './redis-connection';

export interface QueuesOptions {
  redisUrl: string;
  /** Key prefix for every queue (REDIS_PREFIX), so deployments and test runs never collide. */
  prefix: string;
  queues: QueueName[];
}

/** BullMQ for an app: one shared connection, the deployment's prefix, the queues it uses. */
@Module({})
export class QueuesModule {
  static forRoot({ redisUrl, prefix, queues }: QueuesOptions): DynamicModule {
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection: createRedisConnection(redisUrl), prefix }),
        BullModule.registerQueue(...queues.map((name) => ({ name, defaultJobOptions: DEFAULT_JOB_OPTIONS[name] }))),
      ],
      exports: [BullModule],
    };
  }
}
