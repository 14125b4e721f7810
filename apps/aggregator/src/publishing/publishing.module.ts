import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { PublishingService } from './publishing.service';

@Module({ imports: [AggregationModule], providers: [PublishingService], exports: [PublishingService] })
export class PublishingModule {}
