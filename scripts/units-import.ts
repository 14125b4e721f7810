import { resolve } from 'node:path';
import { loadConfig } from '@ioc/config';
import { exitOnStartupError } from '@ioc/platform';
import { createPrismaClient, importUnits, readUnitListFile, UnitListError } from '@ioc/persistence';
import { createLogger } from './operations';
import { StackConfig } from './stack-config';

/** npm run units:import -- <file>: load a province's unit list (prisma/seed/units/README.md) into DATABASE_URL. */
(async () => {
  const config = loadConfig(StackConfig);
  const logger = createLogger('units-import', config.LOG_LEVEL);
  const file = process.argv[2];
  if (!file) throw new Error('Usage: npm run units:import -- <unit list file.json>');
  let units;
  try {
    ({ units } = readUnitListFile(resolve(file)));
  } catch (error) {
    if (!(error instanceof UnitListError)) throw error;
    logger.error({ file, problems: error.problems }, 'unit list rejected, nothing imported');
    process.exitCode = 1;
    return;
  }
  const prisma = createPrismaClient(config.DATABASE_URL);
  try {
    const { report } = await importUnits(prisma, units);
    for (const moved of report.moved) logger.warn(moved, 'principal scoped to a ceased unit moved to its successor (audited)');
    for (const orphan of report.orphaned) logger.warn(orphan, 'principal scoped to a ceased unit without successor: reassign it');
    logger.info(
      {
        file,
        units: units.length,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        moved: report.moved.length,
      },
      'units imported',
    );
  } finally {
    await prisma.$disconnect();
  }
})().catch((error: unknown) => exitOnStartupError('units-import', error));
