import { type DynamicModule, Module } from '@nestjs/common';
import { redisTopologyOf } from '@ioc/config';
import { QueueName } from '@ioc/contracts';
import { PersistenceModule } from '@ioc/persistence';
import { loggingModule, MetricsModule } from '@ioc/platform';
import { QueuesModule, RedisModule } from '@ioc/queues';
import { AggregationModule } from './aggregation/aggregation.module';
import { CLOCK, systemClock } from './clock/clock';
import { AlertsModule } from './alerts/alerts.module';
import { AggregatorConfig } from './config/aggregator-config';
import { HistoryModule } from './history/history.module';
import { AggregatorMetricsModule } from './metrics/aggregator-metrics.module';
import { PublishingModule } from './publishing/publishing.module';

/** Consumes event batches, computes live indicators and evaluates alert rules. */
@Module({})
export class AppModule {
  static forRoot(config: AggregatorConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        loggingModule({ app: 'aggregator', level: config.LOG_LEVEL }),
        PersistenceModule.forRoot({ databaseUrl: config.DATABASE_URL }),
        RedisModule.forRoot(redisTopologyOf(config)),
        QueuesModule.forRoot({
          topology: redisTopologyOf(config),
          prefix: config.REDIS_PREFIX,
          queues: [QueueName.Events, QueueName.DeadLetter, QueueName.Notifications, QueueName.Maintenance],
          eventPartitions: config.AGGREGATION_PARTITIONS,
        }),
        MetricsModule.forRoot({ app: 'aggregator', port: config.AGGREGATOR_METRICS_PORT, host: config.METRICS_HOST }),
        AggregatorMetricsModule,
        AggregationModule,
        PublishingModule,
        HistoryModule,
        AlertsModule,
      ],
      providers: [
        { provide: AggregatorConfig, useValue: config },
        { provide: CLOCK, useValue: systemClock },
      ],
      exports: [AggregatorConfig, CLOCK],
    };
  }
}
