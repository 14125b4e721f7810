import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../support';

/** What the Docker image runs (docker-compose.yml, docker/Dockerfile); built by `npm test`'s pretest. */
const PRODUCTION_ENTRIES = [
  'dist/apps/gateway/src/main.js',
  'dist/apps/connectors/src/main.js',
  'dist/apps/aggregator/src/main.js',
  'dist/apps/simulator/src/main.js',
  'dist/scripts/migrate.js',
  'dist/scripts/seed.js',
  'dist/scripts/healthcheck.js',
  // Operator commands, run inside a container too (docker compose exec gateway npm run dlq -- list).
  'dist/scripts/dlq.js',
  'dist/scripts/recompute.js',
  'dist/scripts/reconcile.js',
  'dist/scripts/units-import.js',
];

const REQUIRE = /\brequire\(\s*["']([^"']+)["']\s*\)/g;

/** The packages (by name) that the compiled entry points reach through require(), following local files. */
function packagesReachedFrom(entries: string[]): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(REQUIRE)) {
      if (!specifier) continue;
      if (specifier.startsWith('.')) {
        const base = resolve(dirname(file), specifier);
        const target = [base, `${base}.js`, join(base, 'index.js')].find((candidate) => existsSync(candidate) && candidate.endsWith('.js'));
        if (target) visit(target);
        continue;
      }
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      if (!packages.has(name)) packages.set(name, file.slice(PROJECT_ROOT.length + 1));
    }
  };
  for (const entry of entries) visit(resolve(PROJECT_ROOT, entry));
  return packages;
}

describe('the production image', () => {
  it('needs only packages listed in dependencies (it installs with npm ci --omit=dev)', () => {
    const { dependencies } = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const reached = packagesReachedFrom(PRODUCTION_ENTRIES);
    expect(reached.size).toBeGreaterThan(10);
    const missing = [...reached].filter(([name]) => !(name in dependencies)).map(([name, from]) => `${name} (required by ${from})`);
    expect(missing).toEqual([]);
  });
});
