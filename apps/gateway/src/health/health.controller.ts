import { Controller, Get, Inject } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, PrismaHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { PrismaService } from '@ioc/persistence';
import { RedisHealthIndicator } from '@ioc/platform';
import { REDIS_CLIENT } from '@ioc/queues';
import type Redis from 'ioredis';
import { Public } from '../auth/auth.decorators';

@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly prismaIndicator: PrismaHealthIndicator,
    private readonly redisIndicator: RedisHealthIndicator,
    private readonly prisma: PrismaService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** 200 with every check "up", or 503 naming the check that is down. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.prismaIndicator.pingCheck('postgres', this.prisma, { timeout: 1000 }),
      () => this.redisIndicator.pingCheck('redis', this.redis),
    ]);
  }
}
