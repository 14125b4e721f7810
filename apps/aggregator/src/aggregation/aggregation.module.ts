import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { AggregationProcessor } from './aggregation.processor';
import { BatchTracesService } from './batch-traces.service';
import { DeadLetterService } from './dead-letter.service';
import { DeadlineResultsService } from './deadline-results.service';
import { LiveValuesService } from './live-values.service';
import { StateChangesService } from './state-changes.service';
import { StateStoreService } from './state-store.service';
import { StoredEventsService } from './stored-events.service';
import { TrendService } from './trend.service';

@Module({
  imports: [CatalogModule],
  providers: [
    AggregationProcessor,
    BatchTracesService,
    StateChangesService,
    StateStoreService,
    DeadLetterService,
    LiveValuesService,
    TrendService,
    StoredEventsService,
    DeadlineResultsService,
  ],
  exports: [
    BatchTracesService,
    StateChangesService,
    StateStoreService,
    DeadLetterService,
    LiveValuesService,
    TrendService,
    StoredEventsService,
    CatalogModule,
  ],
})
export class AggregationModule {}
