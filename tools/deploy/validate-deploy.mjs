// Validates the Kubernetes manifests offline: every object against the Kubernetes OpenAPI schemas
// (kubernetes-models, which bundles them and checks with ajv), plus the rules of this deployment
// (probes, resources, non-root, secrets by reference). test/install/deploy.spec.ts checks each
// container's environment against its app's config schema.
//   node tools/deploy/validate-deploy.mjs [directory with kustomization.yaml, default deploy/kubernetes]
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '..', '..');
const dir = resolve(process.argv[2] ?? join(root, 'deploy', 'kubernetes'));
const problems = [];
const objects = [];

const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
for (const file of kustomization.resources ?? []) {
  const path = join(dir, file);
  if (!existsSync(path)) {
    problems.push(`kustomization.yaml: resource ${file} does not exist`);
    continue;
  }
  for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
    if (document.errors.length > 0) problems.push(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
    else if (document.contents !== null) objects.push({ file, object: document.toJS() });
  }
}

/** The kubernetes-models class for an object's apiVersion and kind ("apps/v1" → kubernetes-models/apps/v1). */
async function modelOf({ apiVersion, kind }) {
  const module = await import(`kubernetes-models/${apiVersion}`).catch(() => null);
  return module?.[kind] ?? null;
}

const containersOf = (object) => object.spec?.template?.spec?.containers ?? [];

for (const { file, object } of objects) {
  const where = `${relative(root, join(dir, file))}: ${object.kind ?? '?'} ${object.metadata?.name ?? '(no name)'}`;
  const Model = await modelOf(object);
  if (!Model) {
    problems.push(`${where}: unknown apiVersion/kind ${object.apiVersion}/${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${where}: ${error.message}`);
  }
  for (const container of containersOf(object)) {
    const at = `${where}, container ${container.name}`;
    if (container.image !== 'ioc-realtime')
      problems.push(`${at}: image must be "ioc-realtime" (the tag is set once, in kustomization.yaml)`);
    if (!container.resources?.requests?.cpu || !container.resources?.requests?.memory)
      problems.push(`${at}: needs resources.requests for cpu and memory`);
    if (container.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${at}: must set allowPrivilegeEscalation: false`);
    if (object.kind === 'Deployment' && (!container.readinessProbe || !container.livenessProbe))
      problems.push(`${at}: needs a readinessProbe and a livenessProbe`);
    for (const variable of container.env ?? []) {
      if (
        'value' in variable &&
        /SECRET|PASSWORD|TOKEN|KEY$|_URL$/.test(variable.name) &&
        !/^(APP_ENTRY|HEALTH_URL)$|_FILE$/.test(variable.name)
      ) {
        problems.push(`${at}: ${variable.name} looks secret; take it from a Secret (valueFrom.secretKeyRef), never a literal`);
      }
    }
  }
  const pod = object.spec?.template?.spec;
  if (pod && pod.securityContext?.runAsNonRoot !== true)
    problems.push(`${where}: the pod must run as non-root (securityContext.runAsNonRoot)`);
}

if (problems.length > 0) {
  process.stderr.write(`validate:deploy: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(
  `validate:deploy: ${objects.length} objects in ${relative(root, dir)} valid against the Kubernetes schemas and the deployment rules\n`,
);
