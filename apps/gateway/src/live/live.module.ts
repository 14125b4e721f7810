import { Module } from '@nestjs/common';
import { ScorecardsModule } from '../scorecards/scorecards.module';
import { IndicatorStreamService } from './indicator-stream.service';
import { LiveFanoutService } from './live-fanout.service';
import { LiveGateway } from './live.gateway';
import { LiveService } from './live.service';
import { ScorecardFanoutService } from './scorecard-fanout.service';
import { SourceHealthFanoutService } from './source-health-fanout.service';

@Module({
  imports: [ScorecardsModule],
  providers: [IndicatorStreamService, LiveFanoutService, SourceHealthFanoutService, ScorecardFanoutService, LiveService, LiveGateway],
  exports: [IndicatorStreamService, LiveFanoutService],
})
export class LiveModule {}
