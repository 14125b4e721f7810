import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@ioc/config';
import { createPrismaClient, type PrismaClient } from '@ioc/persistence';
import { seedDatabase } from '@ioc/seed';
import { AppModule } from '../../apps/aggregator/src/app.module';
import { CLOCK, type Clock } from '../../apps/aggregator/src/clock/clock';
import { AggregatorConfig } from '../../apps/aggregator/src/config/aggregator-config';
import { FIXTURE_SEED, createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../support';
import { loadWorld, type SeededWorld } from './expected-values';

export interface SeededAggregator {
  db: TestDatabase;
  redis: TestRedis;
  prisma: PrismaClient;
  world: SeededWorld;
  app: INestApplicationContext;
  close(): Promise<void>;
}

/**
 * A database seeded with the fixture units and a Redis prefix of its own, with the aggregator
 * running in this process on the test's clock. Its publish and snapshot timers are off: the test
 * publishes and snapshots explicitly, at instants it chooses. `env` adds to the configuration.
 */
export async function startSeededAggregator(clock: Clock, env: Record<string, string> = {}): Promise<SeededAggregator> {
  const [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  const prisma = createPrismaClient(db.url);
  await seedDatabase(prisma, { ...FIXTURE_SEED, adminPassword: 'test-password-123' });
  const world = await loadWorld(prisma);
  const config = loadConfig(AggregatorConfig, {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    LOG_LEVEL: 'warn',
    AGGREGATOR_METRICS_PORT: '0',
    AGGREGATOR_PUBLISH_INTERVAL_MS: '3600000',
    AGGREGATOR_PUBLISH_ON_CHANGE: 'false',
    AGGREGATOR_SNAPSHOT_INTERVAL_MS: '3600000',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  const app = await moduleRef.init();
  return {
    db,
    redis,
    prisma,
    world,
    app,
    close: async () => {
      await app.close();
      await prisma.$disconnect();
      await Promise.all([redis.cleanup(), db.drop()]);
    },
  };
}
