import { loadConfig } from '@ioc/config';
import { exitOnStartupError } from '@ioc/platform';
import { createLogger, migrate } from './operations';
import { StackConfig } from './stack-config';

(async () => {
  const config = loadConfig(StackConfig);
  await migrate(config, createLogger('migrate', config.LOG_LEVEL));
})().catch((error: unknown) => exitOnStartupError('migrate', error));
