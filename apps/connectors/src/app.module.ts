import { type DynamicModule, Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { redisTopologyOf } from '@ioc/config';
import { QueueName } from '@ioc/contracts';
import { PersistenceModule } from '@ioc/persistence';
import { jsonBodyMiddleware, loggingModule, MetricsModule } from '@ioc/platform';
import { QueuesModule, RedisModule } from '@ioc/queues';
import { ConnectorsConfig } from './config/connectors-config';
import { ConnectorsExceptionFilter } from './errors/connectors-exception.filter';
import { HealthModule } from './health/health.module';
import { IngestModule } from './ingest/ingest.module';
import { ConnectorMetricsModule } from './metrics/connector-metrics.module';
import { RegistryModule } from './registry/registry.module';
import { SourcesModule } from './sources/sources.module';
import { SyncModule } from './sync/sync.module';

/** Pulls source systems on their schedules, takes pushed events, and queues normalised event batches. */
@Module({})
export class AppModule {
  static forRoot(config: ConnectorsConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        loggingModule({ app: 'connectors', level: config.LOG_LEVEL }),
        PersistenceModule.forRoot({ databaseUrl: config.DATABASE_URL }),
        RedisModule.forRoot(redisTopologyOf(config)),
        QueuesModule.forRoot({
          topology: redisTopologyOf(config),
          prefix: config.REDIS_PREFIX,
          queues: [QueueName.SourcePull, QueueName.Events, QueueName.DeadLetter],
          eventPartitions: config.AGGREGATION_PARTITIONS,
        }),
        MetricsModule.forRoot({ app: 'connectors', port: config.CONNECTORS_METRICS_PORT, host: config.METRICS_HOST }),
        ConnectorMetricsModule,
        RegistryModule,
        SyncModule,
        IngestModule,
        SourcesModule,
        HealthModule,
      ],
      providers: [
        { provide: ConnectorsConfig, useValue: config },
        { provide: APP_FILTER, useClass: ConnectorsExceptionFilter },
      ],
      exports: [ConnectorsConfig],
    };
  }
}

/** HTTP set-up shared by main and the tests: the guarded JSON reader, which keeps the raw bytes push signatures cover. */
export function configureConnectorsApp(app: INestApplication, config: ConnectorsConfig): void {
  app.use(jsonBodyMiddleware({ maxBytes: config.INGEST_MAX_BODY_BYTES, maxDepth: config.HTTP_MAX_JSON_DEPTH }));
}
