import { Module } from '@nestjs/common';
import { SourceHealthModule } from '../source-health/source-health.module';
import { EventRulesService } from '../event-rules/event-rules.service';
import { EventPublisherService } from './event-publisher.service';
import { PullSchedulerService } from './pull-scheduler.service';
import { SourceContextService } from './source-context.service';
import { SourcePullProcessor } from './source-pull.processor';
import { SyncService } from './sync.service';

@Module({
  imports: [SourceHealthModule],
  providers: [SyncService, SourceContextService, EventPublisherService, EventRulesService, PullSchedulerService, SourcePullProcessor],
  exports: [SyncService, SourceContextService, EventPublisherService, EventRulesService],
})
export class SyncModule {}
