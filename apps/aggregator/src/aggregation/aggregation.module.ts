import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { AggregationProcessor } from './aggregation.processor';
import { DeadLetterService } from './dead-letter.service';
import { DeadlineResultsService } from './deadline-results.service';
import { LiveValuesService } from './live-values.service';
import { StateStoreService } from './state-store.service';
import { StoredEventsService } from './stored-events.service';
import { TrendService } from './trend.service';

@Module({
  imports: [CatalogModule],
  providers: [AggregationProcessor, StateStoreService, DeadLetterService, LiveValuesService, TrendService, StoredEventsService, DeadlineResultsService],
  exports: [StateStoreService, DeadLetterService, LiveValuesService, TrendService, StoredEventsService, CatalogModule],
})
export class AggregationModule {}
