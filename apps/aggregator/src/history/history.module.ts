import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { HistoryService } from './history.service';
import { RecomputeProcessor } from './recompute.processor';

@Module({ imports: [AggregationModule], providers: [HistoryService, RecomputeProcessor], exports: [HistoryService] })
export class HistoryModule {}
