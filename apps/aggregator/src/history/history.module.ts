import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { HistoryService } from './history.service';

@Module({ imports: [AggregationModule], providers: [HistoryService], exports: [HistoryService] })
export class HistoryModule {}
