import { Global, Module } from '@nestjs/common';
import { ConnectorMetricsService } from './connector-metrics.service';

@Global()
@Module({ providers: [ConnectorMetricsService], exports: [ConnectorMetricsService] })
export class ConnectorMetricsModule {}
