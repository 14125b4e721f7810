import { type DynamicModule, Module } from '@nestjs/common';
import { QueueName } from '@ioc/contracts';
import { PersistenceModule } from '@ioc/persistence';
import { loggingModule } from '@ioc/platform';
import { QueuesModule } from '@ioc/queues';
import { ConnectorsConfig } from './config/connectors-config';

/** Pulls source systems on their schedules and queues normalised event batches. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorsConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        loggingModule({ app: 'connectors', level: config.LOG_LEVEL }),
        PersistenceModule.forRoot({ databaseUrl: config.DATABASE_URL }),
        QueuesModule.forRoot({
          redisUrl: config.REDIS_URL,
          prefix: config.REDIS_PREFIX,
          queues: [QueueName.SourcePull, QueueName.Events, QueueName.DeadLetter],
        }),
      ],
      providers: [{ provide: ConnectorsConfig, useValue: config }],
      exports: [ConnectorsConfig],
    };
  }
}
