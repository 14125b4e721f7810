import { Module } from '@nestjs/common';
import { IndicatorStreamService } from './indicator-stream.service';
import { LiveFanoutService } from './live-fanout.service';
import { LiveGateway } from './live.gateway';
import { LiveService } from './live.service';
import { SourceHealthFanoutService } from './source-health-fanout.service';

@Module({
  providers: [IndicatorStreamService, LiveFanoutService, SourceHealthFanoutService, LiveService, LiveGateway],
  exports: [IndicatorStreamService, LiveFanoutService],
})
export class LiveModule {}
