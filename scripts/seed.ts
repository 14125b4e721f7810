import { loadConfig } from '@ioc/config';
import { exitOnStartupError } from '@ioc/platform';
import { createLogger, seed } from './operations';
import { StackConfig } from './stack-config';

(async () => {
  const config = loadConfig(StackConfig);
  await seed(config, createLogger('seed', config.LOG_LEVEL));
})().catch((error: unknown) => exitOnStartupError('seed', error));
