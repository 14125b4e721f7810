import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { jsonBodyMiddleware, loggingModule } from '@ioc/platform';
import { SimulatorConfig } from './config/simulator-config';
import { HealthController } from './health/health.controller';
import { SimulatorCore } from './source-systems/simulator-core';
import { SourceSystemsModule } from './source-systems/source-systems.module';

/** The core the config describes; tests build their own (fixed clock, no faults) and pass it in. */
export function coreFromConfig(config: SimulatorConfig): SimulatorCore {
  const fixedNow = config.SIMULATOR_FIXED_NOW ? new Date(config.SIMULATOR_FIXED_NOW) : undefined;
  return new SimulatorCore({
    seed: config.SIMULATOR_SEED,
    historyDays: config.SIMULATOR_HISTORY_DAYS,
    now: fixedNow ? () => fixedNow : undefined,
    token: config.SIMULATOR_TOKEN,
    maxPageSize: config.SIMULATOR_MAX_PAGE_SIZE,
    faults: {
      errorRate: config.SIMULATOR_ERROR_RATE,
      rateLimitRate: config.SIMULATOR_RATE_LIMIT_RATE,
      retryAfterSeconds: 1,
      slowRate: config.SIMULATOR_SLOW_RATE,
      slowMs: config.SIMULATOR_SLOW_MS,
    },
  });
}

/** HTTP servers that behave like the province's source systems. */
@Module({})
export class AppModule {
  static forRoot(config: SimulatorConfig, core: SimulatorCore = coreFromConfig(config)): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [loggingModule({ app: 'simulator', level: config.LOG_LEVEL }), SourceSystemsModule.forCore(core)],
      controllers: [HealthController],
      providers: [{ provide: SimulatorConfig, useValue: config }],
      exports: [SimulatorConfig],
    };
  }
}

/** HTTP set-up shared by main and the tests: the guarded JSON reader (clear 4xx for every bad body). */
export function configureSimulatorApp(app: INestApplication, config: SimulatorConfig): void {
  app.use(jsonBodyMiddleware({ maxBytes: config.HTTP_MAX_BODY_BYTES, maxDepth: config.HTTP_MAX_JSON_DEPTH }));
}
