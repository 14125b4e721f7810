import type { RedisClient } from './redis-client';
import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { HealthCheckService, PrismaHealthIndicator, TerminusModule, type HealthCheckResult } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis-health.indicator';

const CLIENTS = Symbol('BACKING_HEALTH_CLIENTS');

/** A Prisma client (PrismaService), as Terminus pings it. */
type PrismaClientLike = Parameters<PrismaHealthIndicator['pingCheck']>[1];

interface BackingClients {
  prisma: PrismaClientLike;
  redis: RedisClient;
}

/** What every HTTP app's GET /health answers: 200 while Postgres and Redis answer, else 503 naming the one that does not. */
@Injectable()
export class BackingHealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly prismaIndicator: PrismaHealthIndicator,
    private readonly redisIndicator: RedisHealthIndicator,
    @Inject(CLIENTS) private readonly clients: BackingClients,
  ) {}

  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.prismaIndicator.pingCheck('postgres', this.clients.prisma, { timeout: 1000 }),
      () => this.redisIndicator.pingCheck('redis', this.clients.redis),
    ]);
  }
}

@Module({})
export class BackingHealthModule {
  /** `clients` names the app's Prisma service and Redis client tokens. */
  static forRoot(tokens: { prisma: unknown; redis: unknown }): DynamicModule {
    return {
      module: BackingHealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      providers: [
        RedisHealthIndicator,
        BackingHealthService,
        {
          provide: CLIENTS,
          useFactory: (prisma: PrismaClientLike, redis: RedisClient): BackingClients => ({ prisma, redis }),
          inject: [tokens.prisma as never, tokens.redis as never],
        },
      ],
      exports: [BackingHealthService],
    };
  }
}
