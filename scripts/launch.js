#!/usr/bin/env node
// `npm start`: build only when a source is newer than the last build, then run the launcher
// (dist/scripts/start.js) in this same process. package.json starts this file with `exec`, so npm's
// shell is replaced by it: the SIGTERM npm forwards reaches the launcher (a shell would die and
// orphan it), and npm exits only once every app has stopped and its ports are free.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const SOURCES = ['apps', 'libs', 'scripts', 'prisma', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const SKIP = new Set(['node_modules', 'generated', 'dist']);
// tsc rewrites every output on each build and vite writes the page last.
const OUTPUTS = ['dist/scripts/start.js', 'dist/web/display.html'];

function newestMtime(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (!SKIP.has(entry)) newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

const outputs = OUTPUTS.map((output) => join(root, output));
const built = outputs.every((output) => existsSync(output)) ? Math.min(...outputs.map((output) => statSync(output).mtimeMs)) : 0;
const changed = Math.max(
  ...SOURCES.map((source) => join(root, source))
    .filter(existsSync)
    .map(newestMtime),
);
if (changed > built) {
  process.stderr.write(built === 0 ? 'start: building (first start)\n' : 'start: sources changed since the last build, rebuilding\n');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write(`start: the build failed (exit ${build.status ?? build.signal}); fix it and run npm start again\n`);
    process.exit(1);
  }
}
require(join(root, 'dist', 'scripts', 'start.js'));
