import { Module } from '@nestjs/common';
import { IndicatorStreamService } from './indicator-stream.service';
import { LiveFanoutService } from './live-fanout.service';
import { LiveGateway } from './live.gateway';
import { LiveService } from './live.service';

@Module({
  providers: [IndicatorStreamService, LiveFanoutService, LiveService, LiveGateway],
  exports: [IndicatorStreamService, LiveFanoutService],
})
export class LiveModule {}
