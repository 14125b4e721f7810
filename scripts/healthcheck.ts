import { loadConfig } from '@ioc/config';
import { checkDependencies } from '@ioc/platform';
import { HealthcheckConfig } from './stack-config';

/**
 * Exit 0 when healthy: the app's HEALTH_URL answers 200, or, for a worker without HTTP (the
 * aggregator), Postgres and Redis answer. One line on stdout either way.
 */
(async () => {
  const config = loadConfig(HealthcheckConfig);
  if (config.HEALTH_URL) {
    const response = await fetch(config.HEALTH_URL, { signal: AbortSignal.timeout(4000) });
    if (response.status !== 200) throw new Error(`${config.HEALTH_URL} answered ${response.status}`);
  } else {
    await checkDependencies(config);
  }
  process.stdout.write('healthy\n');
})().catch((error: unknown) => {
  process.stdout.write(`unhealthy: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
