import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import eslintConfigPrettier from 'eslint-config-prettier/flat';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'libs/persistence/src/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Apps reach libs through their public entry (@ioc/<lib>), never through their files.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@ioc/*/*', '**/libs/*/src/*'], message: 'Import libs through @ioc/<lib> only.' }] },
      ],
    },
  },
  {
    // Seed data (@ioc/seed, prisma/seed/src) is for the operator scripts, tests and benchmarks: the running apps never load it.
    files: ['apps/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@ioc/*/*', '**/libs/*/src/*'], message: 'Import libs through @ioc/<lib> only.' },
            { group: ['@ioc/seed', '**/prisma/seed/**'], message: 'Apps never import seed data; it belongs to scripts and tests.' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**', '@ioc/*/*'], message: 'Libs never import apps, and reach other libs through @ioc/<lib>.' },
            { group: ['@ioc/seed', '**/prisma/seed/**'], message: 'Libs never import seed data; it belongs to scripts and tests.' },
          ],
        },
      ],
    },
  },
  {
    // The pure libs hold decisions only: no database, Redis, queue or framework (services do the I/O around them).
    files: ['libs/indicators/**/*.ts', 'libs/alerting/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**', '@ioc/*/*'], message: 'Libs never import apps, and reach other libs through @ioc/<lib>.' },
            {
              group: ['@ioc/persistence', '@ioc/queues', '@ioc/platform', '@ioc/seed', '@prisma/*', 'ioredis', 'bullmq', 'pg', '@nestjs/*'],
              message: 'A pure lib does no I/O: keep it in the service that calls it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its error (and its ordering) silently.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['prisma.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Layout is Prettier's job (npm run format:check); no lint rule argues with it.
  eslintConfigPrettier,
);
