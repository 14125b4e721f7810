import { Global, Module } from '@nestjs/common';
import { AggregatorMetricsService } from './aggregator-metrics.service';

@Global()
@Module({ providers: [AggregatorMetricsService], exports: [AggregatorMetricsService] })
export class AggregatorMetricsModule {}
