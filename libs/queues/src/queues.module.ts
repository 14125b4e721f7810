import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { RedisTopology } from '@ioc/config';
import { QueueName, redisQueuePrefix } from '@ioc/contracts';
import { createRedisClient, type RedisClient } from '@ioc/platform';
import { EventQueues } from './event-queues';
import { DEFAULT_JOB_OPTIONS } from './job-options';

export interface QueuesOptions {
  topology: RedisTopology;
  /** REDIS_PREFIX: queues live under its hash tag, so deployments and test runs never collide. */
  prefix: string;
  queues: QueueName[];
  /** AGGREGATION_PARTITIONS: with the events queue, the app gets EventQueues over this many partitions. */
  eventPartitions: number;
}

const QUEUES_CONNECTION = Symbol('QUEUES_CONNECTION');

/** BullMQ never closes a connection it was handed, so the module does once the queues are closed. */
@Injectable()
class QueuesConnectionLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(QUEUES_CONNECTION) private readonly connection: RedisClient,
    @Optional() private readonly eventQueues?: EventQueues,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.eventQueues?.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

/**
 * BullMQ for an app: one shared connection, the deployment's prefix, the queues it uses. An app
 * that uses the events queue produces through EventQueues (every partition's queue); the plain
 * injected events queue is partition 0's.
 */
@Module({})
export class QueuesModule {
  static forRoot({ topology, prefix, queues, eventPartitions }: QueuesOptions): DynamicModule {
    const connection = createRedisClient(topology);
    const eventQueues = queues.includes(QueueName.Events)
      ? [{ provide: EventQueues, useValue: new EventQueues(connection, prefix, eventPartitions) }]
      : [];
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection, prefix: redisQueuePrefix(prefix) }),
        BullModule.registerQueue(...queues.map((name) => ({ name, defaultJobOptions: DEFAULT_JOB_OPTIONS[name] }))),
      ],
      providers: [{ provide: QUEUES_CONNECTION, useValue: connection }, ...eventQueues, QueuesConnectionLifecycle],
      exports: [BullModule, ...eventQueues.map(({ provide }) => provide)],
    };
  }
}
