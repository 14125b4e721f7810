import { type DynamicModule, Module } from '@nestjs/common';
import { loggingModule } from '@ioc/platform';
import { SimulatorConfig } from './config/simulator-config';
import { HealthController } from './health/health.controller';

/** HTTP servers that behave like the province's source systems. */
@Module({})
export class AppModule {
  static forRoot(config: SimulatorConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [loggingModule({ app: 'simulator', level: config.LOG_LEVEL })],
      controllers: [HealthController],
      providers: [{ provide: SimulatorConfig, useValue: config }],
      exports: [SimulatorConfig],
    };
  }
}
