import { fork, type ChildProcess } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { ConnectorsConfig } from '../apps/connectors/src/config/connectors-config';
import { GatewayConfig } from '../apps/gateway/src/config/gateway-config';
import { SimulatorConfig } from '../apps/simulator/src/config/simulator-config';
import { loadConfig } from '@ioc/config';
import { assertPortFree, exitOnStartupError } from '@ioc/platform';
import { resolveLocalSecret } from '@ioc/security';
import { resolveBackingServices, type BackingServices } from './embedded-services';
import { PROJECT_ROOT, createLogger, prepareStack } from './operations';
import { readyBanner, waitUntilHealthy } from './start-banner';
import { BackingServicesConfig, DEFAULT_SERVICE_URLS, StackConfig } from './stack-config';

/** Started in this order; the simulator first so the connectors find their sources answering. */
const APPS = ['simulator', 'aggregator', 'connectors', 'gateway'] as const;
type AppName = (typeof APPS)[number];

/** The Postgres and Redis in use; embedded ones are stopped on the way out, whatever the way. */
let backing: BackingServices | undefined = undefined;

const local = (path: string): string => resolve(PROJECT_ROOT, path);
/** Relative to the working directory when below it, else absolute. */
const shortPath = (path: string): string => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path));

/**
 * `npm start`: Postgres and Redis (the configured ones, the local default, or embedded), migrate,
 * seed, then every app as a child process. SIGTERM, SIGINT or SIGHUP (to npm, to this launcher or
 * to the process group) stops every app within SHUTDOWN_TIMEOUT_S; the apps stop by themselves when
 * this launcher dies, however it dies.
 */
(async () => {
  const started = performance.now();
  const config = loadConfig(StackConfig);
  const services = loadConfig(BackingServicesConfig);
  const logger = createLogger('start', config.LOG_LEVEL);
  // The gateway requires a JWT secret; a local install gets one generated once and kept on disk.
  const jwtSecret = resolveLocalSecret('JWT_SECRET', config.JWT_SECRET, local(config.JWT_SECRET_FILE), {
    createIfMissing: true,
    bytes: 48,
  });

  // Every app's configuration and port is checked before anything starts.
  const appEnv: NodeJS.ProcessEnv = { ...process.env, JWT_SECRET: jwtSecret };
  const gateway = loadConfig(GatewayConfig, appEnv);
  const connectors = loadConfig(ConnectorsConfig, appEnv);
  const simulator = loadConfig(SimulatorConfig, appEnv);
  await assertPortFree(gateway.PORT, 'gateway', 'PORT', gateway.HOST);
  await assertPortFree(connectors.CONNECTORS_PORT, 'connectors', 'CONNECTORS_PORT', connectors.CONNECTORS_HOST);
  await assertPortFree(simulator.SIMULATOR_PORT, 'simulator', 'SIMULATOR_PORT', simulator.SIMULATOR_HOST);

  const children = new Map<AppName, ChildProcess>();
  let stopping = false;
  const finish = async (code: number): Promise<never> => {
    await backing?.stop();
    if (backing?.postgres.embedded || backing?.redis.embedded) logger.info('embedded services stopped (data kept)');
    process.exit(code);
  };
  const stopAll = (reason: string, code = 0): void => {
    if (stopping) return;
    stopping = true;
    process.exitCode = code;
    logger.info({ reason }, 'stopping every app');
    if (children.size === 0) {
      void finish(code);
      return;
    }
    for (const child of children.values()) child.kill('SIGTERM');
    // Each app bounds its own shutdown by SHUTDOWN_TIMEOUT_S; one that still hangs is killed.
    setTimeout(
      () => {
        for (const [app, child] of children) {
          logger.warn({ app }, `still running ${config.SHUTDOWN_TIMEOUT_S + 2} s after SIGTERM: killing it`);
          child.kill('SIGKILL');
        }
      },
      (config.SHUTDOWN_TIMEOUT_S + 2) * 1000,
    ).unref();
  };
  process.once('SIGTERM', () => stopAll('SIGTERM'));
  process.once('SIGINT', () => stopAll('SIGINT'));
  process.once('SIGHUP', () => stopAll('SIGHUP'));
  // Started through `npm start`, the parent is npm's shell: when it goes, so does the stack.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stopAll('the parent process exited'), 1000).unref();

  backing = await resolveBackingServices({
    mode: services.EMBEDDED,
    databaseUrl: services.DATABASE_URL,
    redisUrl: services.REDIS_URL,
    defaultDatabaseUrl: DEFAULT_SERVICE_URLS.databaseUrl,
    defaultRedisUrl: DEFAULT_SERVICE_URLS.redisUrl,
    dataDir: local(services.EMBEDDED_DATA_DIR),
    postgresPort: services.EMBEDDED_POSTGRES_PORT,
    redisPort: services.EMBEDDED_REDIS_PORT,
    postgresPassword: () =>
      resolveLocalSecret('EMBEDDED_POSTGRES_PASSWORD', undefined, local(services.EMBEDDED_POSTGRES_PASSWORD_FILE), {
        createIfMissing: true,
        bytes: 24,
      }),
    logger,
  });
  if (stopping) return finish(0);
  const serviceEnv = { DATABASE_URL: backing.postgres.url, REDIS_URL: backing.redis.url };
  await prepareStack(loadConfig(StackConfig, { ...process.env, ...serviceEnv }), logger);
  if (stopping) return finish(0);

  for (const app of APPS) {
    // An IPC channel to each app: when this launcher dies, the channel closes and the app stops.
    const child = fork(resolve(PROJECT_ROOT, 'dist', 'apps', app, 'src', 'main.js'), [], {
      env: { ...appEnv, ...serviceEnv },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.set(app, child);
    child.on('exit', (code, signal) => {
      children.delete(app);
      if (!stopping) {
        logger.error({ app, code, signal }, 'app exited unexpectedly; stopping the others');
        stopAll(`${app} exited`, 1);
      }
      if (children.size === 0) {
        logger.info('all apps stopped');
        void finish(Number(process.exitCode ?? 0));
      }
    });
  }

  const gatewayUrl = `http://localhost:${gateway.PORT}`;
  const ready = await waitUntilHealthy(`http://127.0.0.1:${gateway.PORT}/health`, () => stopping, 180_000);
  if (!ready || stopping) return;
  const seconds = (performance.now() - started) / 1000;
  logger.info({ seconds: Number(seconds.toFixed(1)), url: gatewayUrl }, 'IOC Realtime ready');
  process.stdout.write(
    readyBanner({
      seconds,
      gatewayUrl,
      credentialsFile: shortPath(local(config.SEED_CREDENTIALS_FILE)),
      backing,
    }),
  );
})().catch(async (error: unknown) => {
  await backing?.stop();
  exitOnStartupError('start', error);
});
