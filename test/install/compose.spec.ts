import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { AggregatorConfig } from '../../apps/aggregator/src/config/aggregator-config';
import { ConnectorsConfig } from '../../apps/connectors/src/config/connectors-config';
import { GatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { SimulatorConfig } from '../../apps/simulator/src/config/simulator-config';
import { loadConfig } from '@ioc/config';
import { HealthcheckConfig, StackConfig } from '../../scripts/stack-config';
import { PROJECT_ROOT } from '../support';

type Schema = new () => object;

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  /** Opt-in extras (the monitoring profile), not part of the default stack. */
  profiles?: string[];
}

/** Docker itself cannot run here: the compose file is read as Compose reads it (anchors, merge keys). */
const compose = parse(readFileSync(resolve(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const dockerfile = readFileSync(resolve(PROJECT_ROOT, 'docker', 'Dockerfile'), 'utf8');

/** Compose interpolation: `${VAR:-default}` takes the default, `${VAR:?message}` a value the operator must give. */
const interpolate = (value: string | number | boolean): string =>
  String(value).replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind?: string, rest?: string) =>
    kind === '-'
      ? (rest ?? '')
      : name === 'CREDENTIALS_KEY'
        ? Buffer.alloc(32, 7).toString('base64')
        : `operator-supplied-${name.toLowerCase()}-0123456789abcdef`,
  );

const APPS: Record<string, { entry: string; schema: Schema }> = {
  gateway: { entry: 'dist/apps/gateway/src/main.js', schema: GatewayConfig },
  connectors: { entry: 'dist/apps/connectors/src/main.js', schema: ConnectorsConfig },
  aggregator: { entry: 'dist/apps/aggregator/src/main.js', schema: AggregatorConfig },
  simulator: { entry: 'dist/apps/simulator/src/main.js', schema: SimulatorConfig },
};

/** Every variable a schema reads: the fields class-validator checks, inherited ones included. */
const variablesOf = (schema: Schema): Set<string> =>
  new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(schema, '', true, false)
      .map((metadata) => metadata.propertyName),
  );

const environmentOf = (service: ComposeService): Record<string, string> =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(value)]));

describe('docker-compose.yml against the apps', () => {
  it.each(Object.entries(APPS))(
    '%s: runs its own entry point with an environment its config schema accepts, every variable known',
    (name, app) => {
      const service = compose.services[name];
      expect(service).toBeDefined();
      const env = environmentOf(service!);
      expect(env.APP_ENTRY).toBe(app.entry);
      expect(() => loadConfig(app.schema, env)).not.toThrow();
      // NODE_OPTIONS is read by node itself (the aggregator's V8 options).
      const known = new Set([...variablesOf(app.schema), ...variablesOf(HealthcheckConfig), 'APP_ENTRY', 'NODE_OPTIONS']);
      expect(Object.keys(env).filter((variable) => !known.has(variable))).toEqual([]);
      expect(service!.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    },
  );

  it('HTTP apps are checked at their own /health, on the port they listen on; workers through Postgres and Redis', () => {
    const listening = {
      gateway: loadConfig(GatewayConfig, environmentOf(compose.services.gateway!)).PORT,
      simulator: loadConfig(SimulatorConfig, environmentOf(compose.services.simulator!)).SIMULATOR_PORT,
      connectors: loadConfig(ConnectorsConfig, environmentOf(compose.services.connectors!)).CONNECTORS_PORT,
    };
    for (const [name, port] of Object.entries(listening)) {
      expect(loadConfig(HealthcheckConfig, environmentOf(compose.services[name]!)).HEALTH_URL).toBe(`http://127.0.0.1:${port}/health`);
    }
    expect(environmentOf(compose.services.aggregator!).HEALTH_URL).toBeUndefined();
    expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD \["node", "dist\/scripts\/healthcheck\.js"\]$/m);
  });

  it('publishes the gateway port, and only that (the opt-in monitoring profile aside)', () => {
    const published = Object.entries(compose.services).filter(([, service]) => service.ports && !service.profiles);
    expect(published.map(([name]) => name)).toEqual(['gateway']);
    const gatewayPort = loadConfig(GatewayConfig, environmentOf(compose.services.gateway!)).PORT;
    expect(compose.services.gateway!.ports).toEqual([`\${GATEWAY_PORT:-3000}:${gatewayPort}`]);
    expect(loadConfig(GatewayConfig, environmentOf(compose.services.gateway!)).HOST).toBe('0.0.0.0');
  });

  it('migrates and seeds once Postgres and Redis are healthy, with the stack config, pointing demo sources at the simulator service', () => {
    const migrate = compose.services.migrate!;
    for (const backing of ['postgres', 'redis']) {
      expect(migrate.depends_on?.[backing]).toEqual({ condition: 'service_healthy' });
      expect(compose.services[backing]!.healthcheck).toBeDefined();
    }
    expect(migrate.command).toEqual(['sh', '-c', 'node dist/scripts/migrate.js && node dist/scripts/seed.js']);
    const env = environmentOf(migrate);
    const config = loadConfig(StackConfig, env);
    expect(new URL(config.SEED_SIMULATOR_URL).host).toBe(
      `simulator:${loadConfig(SimulatorConfig, environmentOf(compose.services.simulator!)).SIMULATOR_PORT}`,
    );
    expect(Object.keys(env).filter((variable) => !variablesOf(StackConfig).has(variable))).toEqual([]);
    // The connectors decrypt with the key the seed encrypted with.
    expect(compose.services.migrate!.environment!.CREDENTIALS_KEY).toBe(compose.services.connectors!.environment!.CREDENTIALS_KEY);
  });

  it('every app reaches the same Postgres and Redis under the same prefix', () => {
    const envs = ['migrate', ...Object.keys(APPS)].map((name) => environmentOf(compose.services[name]!));
    for (const variable of ['DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX']) expect(new Set(envs.map((env) => env[variable])).size).toBe(1);
    expect(new URL(envs[0]!.DATABASE_URL!).hostname).toBe('postgres');
    expect(new URL(envs[0]!.REDIS_URL!).hostname).toBe('redis');
  });
});

describe('one Node version', () => {
  it('.nvmrc, the Dockerfile and package.json engines agree', () => {
    const nvmrc = readFileSync(resolve(PROJECT_ROOT, '.nvmrc'), 'utf8').trim();
    expect(dockerfile).toContain(`ARG NODE_VERSION=${nvmrc}\n`);
    const { engines } = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const [major, minor] = nvmrc.split('.').map(Number);
    const range = /^>=(\d+)\.(\d+)\.\d+ <(\d+)$/.exec(engines.node);
    expect(range).not.toBeNull();
    const [, fromMajor, fromMinor, below] = range!.map(Number);
    expect(major! > fromMajor! || (major === fromMajor && minor! >= fromMinor!)).toBe(true);
    expect(major! < below!).toBe(true);
  });
});
