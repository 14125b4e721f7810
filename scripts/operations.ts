import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import pino from 'pino';
import { createPrismaClient, ensureDatabase, migrateDeploy } from '@ioc/persistence';
import { seedDatabase, seedDemoSources } from '@ioc/seed';
import { CredentialCipher, resolveCredentialsKey } from '@ioc/security';
import { checkRedis } from '@ioc/platform';
import { redisTopologyOf } from '@ioc/config';
import type { StackConfig } from './stack-config';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const MIGRATIONS_DIR = resolve(PROJECT_ROOT, 'prisma', 'migrations');

export const createLogger = (name: string, level: StackConfig['LOG_LEVEL']): pino.Logger => pino({ name, level });

export async function migrate(config: StackConfig, logger: pino.Logger): Promise<void> {
  const { created } = await ensureDatabase(config.DATABASE_URL);
  if (created) logger.info('created the database named in DATABASE_URL');
  const result = await migrateDeploy(config.DATABASE_URL, MIGRATIONS_DIR, { log: (message) => logger.info(message) });
  logger.info({ applied: result.applied.length, alreadyApplied: result.alreadyApplied.length }, 'migrations up to date');
}

export async function seed(config: StackConfig, logger: pino.Logger): Promise<void> {
  const prisma = createPrismaClient(config.DATABASE_URL);
  try {
    const report = await seedDatabase(prisma, {
      adminPassword: config.SEED_ADMIN_PASSWORD,
      provinceViewerApiKey: config.SEED_PROVINCE_VIEWER_API_KEY,
      districtViewerApiKey: config.SEED_DISTRICT_VIEWER_API_KEY,
    });
    logger.info({ created: report.created, updated: report.updated }, 'seed applied');
    if (Object.keys(report.generatedSecrets).length > 0) {
      const file = resolve(PROJECT_ROOT, config.SEED_CREDENTIALS_FILE);
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, `${JSON.stringify(report.generatedSecrets, null, 2)}\n`, { mode: 0o600 });
      await chmod(file, 0o600);
      logger.info({ file, secrets: Object.keys(report.generatedSecrets) }, 'generated credentials written (shown nowhere else)');
    }
    if (config.SEED_DEMO_SOURCES) {
      // The connectors read the same key (CREDENTIALS_KEY or the file written here on first run).
      const key = resolveCredentialsKey(config.CREDENTIALS_KEY, resolve(PROJECT_ROOT, config.CREDENTIALS_KEY_FILE), {
        createIfMissing: true,
      });
      const sources = await seedDemoSources(prisma, {
        simulatorUrl: config.SEED_SIMULATOR_URL,
        simulatorToken: config.SIMULATOR_TOKEN,
        cipher: new CredentialCipher(key),
      });
      logger.info(sources, 'demo sources (simulator) seeded');
    }
  } finally {
    await prisma.$disconnect();
  }
}

export async function prepareStack(config: StackConfig, logger: pino.Logger): Promise<void> {
  await migrate(config, logger);
  await checkRedis(redisTopologyOf(config));
  await seed(config, logger);
}
