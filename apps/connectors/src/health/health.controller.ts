import { Controller, Get } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { BackingHealthService } from '@ioc/platform';

/** Readiness and liveness of a connectors replica (Kubernetes probes, the Docker HEALTHCHECK). */
@Controller('health')
export class HealthController {
  constructor(private readonly backing: BackingHealthService) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.backing.check();
  }
}
