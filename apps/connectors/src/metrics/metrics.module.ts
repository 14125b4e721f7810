import { Global, Module } from '@nestjs/common';
import { ConnectorMetricsService } from './connector-metrics.service';
import { MetricsController } from './metrics.controller';

@Global()
@Module({ controllers: [MetricsController], providers: [ConnectorMetricsService], exports: [ConnectorMetricsService] })
export class MetricsModule {}
