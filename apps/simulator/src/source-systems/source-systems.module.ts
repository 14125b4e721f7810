import { type DynamicModule, Module } from '@nestjs/common';
import { SimulatorCore } from './simulator-core';
import { SourceSystemsController } from './source-systems.controller';

@Module({})
export class SourceSystemsModule {
  static forCore(core: SimulatorCore): DynamicModule {
    return { module: SourceSystemsModule, controllers: [SourceSystemsController], providers: [{ provide: SimulatorCore, useValue: core }] };
  }
}
