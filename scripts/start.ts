import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { loadConfig } from '@ioc/config';
import { exitOnStartupError } from '@ioc/platform';
import { resolveLocalSecret } from '@ioc/security';
import { PROJECT_ROOT, createLogger, prepareStack } from './operations';
import { StackConfig } from './stack-config';

/** Started in this order; the simulator first so the connectors find their sources answering. */
const APPS = ['simulator', 'aggregator', 'connectors', 'gateway'] as const;

/**
 * `npm start`: migrate, seed, then run every app as a child process sharing this
 * environment. A signal is passed on to all of them; if one dies, the others are stopped.
 */
(async () => {
  const config = loadConfig(StackConfig);
  const logger = createLogger('start', config.LOG_LEVEL);
  await prepareStack(config, logger);
  // The gateway requires a JWT secret; a local install gets one generated once and kept on disk.
  const jwtSecret = resolveLocalSecret('JWT_SECRET', config.JWT_SECRET, resolve(PROJECT_ROOT, config.JWT_SECRET_FILE), {
    createIfMissing: true,
    bytes: 48,
  });

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping every app');
    for (const child of children.values()) child.kill(signal);
  };

  for (const app of APPS) {
    const child = spawn(process.execPath, [resolve(PROJECT_ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
      env: { ...process.env, JWT_SECRET: jwtSecret },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.set(app, child);
    child.on('exit', (code, signal) => {
      children.delete(app);
      if (!stopping) {
        logger.error({ app, code, signal }, 'app exited unexpectedly; stopping the others');
        process.exitCode = 1;
        stopAll('SIGTERM');
      }
      if (children.size === 0) logger.info('all apps stopped');
    });
  }
  process.once('SIGTERM', () => stopAll('SIGTERM'));
  process.once('SIGINT', () => stopAll('SIGINT'));
  logger.info({ apps: APPS }, 'IOC Realtime started');
})().catch((error: unknown) => exitOnStartupError('start', error));
