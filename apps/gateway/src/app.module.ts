import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { redisTopologyOf } from '@ioc/config';
import { PersistenceModule } from '@ioc/persistence';
import { loggingModule, MetricsModule } from '@ioc/platform';
import { QueueName } from '@ioc/contracts';
import { QueuesModule, RedisModule } from '@ioc/queues';
import { AdminModule } from './admin/admin.module';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { GatewayConfig } from './config/gateway-config';
import { CatalogModule } from './catalog/catalog.module';
import { DashboardsModule } from './dashboards/dashboards.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { HealthModule } from './health/health.module';
import { LiveModule } from './live/live.module';
import { GatewayMetricsModule } from './metrics/gateway-metrics.module';
import { PushModule } from './push/push.module';
import { QueueBoardModule } from './queue-board/queue-board.module';
import { RecomputeModule } from './recompute/recompute.module';
import { ScorecardsModule } from './scorecards/scorecards.module';
import { SourcesModule } from './sources/sources.module';
import { UnitsModule } from './units/units.module';
import { ValuesModule } from './values/values.module';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule({ app: 'gateway', level: config.LOG_LEVEL }),
        PersistenceModule.forRoot({ databaseUrl: config.DATABASE_URL }),
        RedisModule.forRoot(redisTopologyOf(config)),
        // Every queue of the pipeline, for the operators' tools (queue board, dead letters).
        QueuesModule.forRoot({
          topology: redisTopologyOf(config),
          prefix: config.REDIS_PREFIX,
          queues: Object.values(QueueName),
          eventPartitions: config.AGGREGATION_PARTITIONS,
        }),
        ThrottlerModule.forRoot([{ ttl: 60_000, limit: config.HTTP_RATE_LIMIT_PER_MIN }]),
        MetricsModule.forRoot({ app: 'gateway', port: config.GATEWAY_METRICS_PORT, host: config.METRICS_HOST }),
        GatewayMetricsModule,
        HealthModule,
        AuthModule,
        AuditModule,
        LiveModule,
        ValuesModule,
        UnitsModule,
        CatalogModule,
        SourcesModule,
        DashboardsModule,
        AdminModule,
        WebModule,
        PushModule,
        ScorecardsModule,
        AlertsModule,
        QueueBoardModule,
        DeadLettersModule,
        RecomputeModule,
      ],
      // The throttler runs before authentication, so floods of bad credentials are limited too.
      providers: [
        { provide: GatewayConfig, useValue: config },
        { provide: APP_GUARD, useClass: ThrottlerGuard },
      ],
      exports: [GatewayConfig],
      global: true,
    };
  }
}
