import { Controller, Get } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { BackingHealthService } from '@ioc/platform';
import { Public } from '../auth/auth.decorators';

@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly backing: BackingHealthService) {}

  /** 200 with every check "up", or 503 naming the check that is down. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.backing.check();
  }
}
