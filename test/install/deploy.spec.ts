import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '@ioc/config';
import { AggregatorConfig } from '../../apps/aggregator/src/config/aggregator-config';
import { ConnectorsConfig } from '../../apps/connectors/src/config/connectors-config';
import { GatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { HealthcheckConfig, StackConfig } from '../../scripts/stack-config';
import { PROJECT_ROOT } from '../support';

type Schema = new () => object;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
}
interface K8sObject {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template?: { spec?: { containers: Container[] } } };
}

const DIR = resolve(PROJECT_ROOT, 'deploy', 'kubernetes');
const VALIDATE = resolve(PROJECT_ROOT, 'tools', 'deploy', 'validate-deploy.mjs');
const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const objects = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => doc.toJS() as K8sObject),
);
const byName = (kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found;
};

/** What the operator's Secret `ioc-secrets` holds, as well-formed stand-ins. */
const SECRET: Record<string, string> = {
  'database-url': 'postgresql://ioc:secret@postgres.example:5432/ioc',
  'redis-url': 'redis://redis.example:6379',
  'jwt-secret': 'j'.repeat(48),
  'credentials-key': Buffer.alloc(32, 7).toString('base64'),
  'connectors-admin-token': 't'.repeat(40),
  'admin-password': 'an admin password of some length',
};

/** A container's environment as Kubernetes would give it: the ConfigMaps it names, then its own entries. */
function environmentOf(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) Object.assign(env, byName('ConfigMap', source.configMapRef!.name).data);
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    if (secret) {
      expect(secret.name).toBe('ioc-secrets');
      expect(Object.keys(SECRET)).toContain(secret.key);
    }
    env[variable.name] = variable.value ?? (secret ? SECRET[secret.key]! : 'pod-name-0');
  }
  return env;
}

const variablesOf = (schema: Schema): Set<string> =>
  new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(schema, '', true, false)
      .map((metadata) => metadata.propertyName),
  );

const APPS: Record<string, { schema: Schema; entry: string; port?: (env: Record<string, string>) => number; metricsPort: string }> = {
  'ioc-gateway': {
    schema: GatewayConfig,
    entry: 'dist/apps/gateway/src/main.js',
    port: (env) => loadConfig(GatewayConfig, env).PORT,
    metricsPort: 'GATEWAY_METRICS_PORT',
  },
  'ioc-connectors': {
    schema: ConnectorsConfig,
    entry: 'dist/apps/connectors/src/main.js',
    port: (env) => loadConfig(ConnectorsConfig, env).CONNECTORS_PORT,
    metricsPort: 'CONNECTORS_METRICS_PORT',
  },
  'ioc-aggregator': { schema: AggregatorConfig, entry: 'dist/apps/aggregator/src/main.js', metricsPort: 'AGGREGATOR_METRICS_PORT' },
};

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('npm run validate:deploy finds every object valid against the Kubernetes schemas', () => {
    const output = execFileSync(process.execPath, [VALIDATE], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(output).toMatch(/^validate:deploy: \d+ objects in deploy\/kubernetes valid/);
  });

  it('refuses a manifest that breaks the schema or puts a secret in a literal, naming the file, object and field', () => {
    const copy = mkdtempSync(join(tmpdir(), 'ioc-deploy-'));
    try {
      cpSync(DIR, copy, { recursive: true });
      const gateway = readFileSync(join(copy, 'gateway.yaml'), 'utf8');
      writeFileSync(
        join(copy, 'gateway.yaml'),
        gateway
          .replace('  replicas: 2\n', '  replicas: two\n')
          .replace(
            /^( *)- \{ name: PORT, value: .*$/m,
            (line, indent: string) => `${line}\n${indent}- { name: SMTP_URL, value: 'smtp://u:p@mail' }`,
          ),
      );
      const run = spawnSync(process.execPath, [VALIDATE, copy], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Deployment ioc-gateway: data/spec/replicas must be integer');
      expect(run.stderr).toContain('SMTP_URL looks secret');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it.each(Object.entries(APPS))(
    '%s: runs its entry with an environment its config schema accepts, every variable known, probes on its own ports',
    (name, app) => {
      const [container] = byName('Deployment', name).spec!.template!.spec!.containers;
      const env = environmentOf(container!);
      expect(env.APP_ENTRY).toBe(app.entry);
      expect(() => loadConfig(app.schema, env)).not.toThrow();
      const known = new Set([...variablesOf(app.schema), ...variablesOf(HealthcheckConfig), 'APP_ENTRY']);
      expect(Object.keys(env).filter((variable) => !known.has(variable))).toEqual([]);
      const ports = Object.fromEntries((container!.ports ?? []).map((p) => [p.name, p.containerPort]));
      expect(ports.metrics).toBe(Number(env[app.metricsPort]));
      expect(container!.livenessProbe?.httpGet).toEqual({ path: '/metrics', port: 'metrics' });
      if (app.port) {
        expect(ports.http).toBe(app.port(env));
        expect(container!.readinessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
      }
    },
  );

  it('the migration job migrates and seeds with the stack config and the same secrets as the apps', () => {
    const [container] = byName('Job', 'ioc-migrate').spec!.template!.spec!.containers as (Container & { command: string[] })[];
    expect(container!.command).toEqual(['sh', '-c', 'node dist/scripts/migrate.js && node dist/scripts/seed.js']);
    const env = environmentOf(container!);
    expect(() => loadConfig(StackConfig, env)).not.toThrow();
    expect(Object.keys(env).filter((variable) => !variablesOf(StackConfig).has(variable))).toEqual([]);
    const connectors = environmentOf(byName('Deployment', 'ioc-connectors').spec!.template!.spec!.containers[0]!);
    for (const variable of ['DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'CREDENTIALS_KEY'])
      expect(env[variable]).toBe(connectors[variable]);
  });
});
