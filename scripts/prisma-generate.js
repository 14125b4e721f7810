#!/usr/bin/env node
// `prisma generate` only needs the schema engine binary to exist, not to run: Prisma's
// engine download is unavailable offline, so point it at this file unless one is set.
const { spawnSync } = require('node:child_process');

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= __filename;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const result = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], {
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
