import { Module } from '@nestjs/common';
import { PrismaService } from '@ioc/persistence';
import { BackingHealthModule } from '@ioc/platform';
import { REDIS_CLIENT } from '@ioc/queues';
import { HealthController } from './health.controller';

@Module({
  imports: [BackingHealthModule.forRoot({ prisma: PrismaService, redis: REDIS_CLIENT })],
  controllers: [HealthController],
})
export class HealthModule {}
