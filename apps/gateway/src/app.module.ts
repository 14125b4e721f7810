import { type DynamicModule, Module } from '@nestjs/common';
import { PersistenceModule } from '@ioc/persistence';
import { loggingModule } from '@ioc/platform';
import { RedisModule } from '@ioc/queues';
import { GatewayConfig } from './config/gateway-config';
import { HealthModule } from './health/health.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggingModule({ app: 'gateway', level: config.LOG_LEVEL }),
        PersistenceModule.forRoot({ databaseUrl: config.DATABASE_URL }),
        RedisModule.forRoot(config.REDIS_URL),
        HealthModule,
      ],
      providers: [{ provide: GatewayConfig, useValue: config }],
      exports: [GatewayConfig],
      global: true,
    };
  }
}
