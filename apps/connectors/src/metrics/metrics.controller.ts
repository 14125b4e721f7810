import { Controller, Get, Header } from '@nestjs/common';
import { ConnectorMetricsService } from './connector-metrics.service';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ConnectorMetricsService) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
