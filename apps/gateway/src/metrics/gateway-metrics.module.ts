import { Global, Module } from '@nestjs/common';
import { GatewayMetricsService } from './gateway-metrics.service';

@Global()
@Module({ providers: [GatewayMetricsService], exports: [GatewayMetricsService] })
export class GatewayMetricsModule {}
