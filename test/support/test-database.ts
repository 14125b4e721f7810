import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { migrateDeploy } from '@ioc/persistence';

/**
 * The server the tests create their databases on: DATABASE_URL's (the global setup sets it to
 * an embedded PostgreSQL when none is configured or answering), else the local default.
 */
export function databaseUrlOnTestServer(database: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  return url.toString();
}
export const MIGRATIONS_DIR = resolve(__dirname, '..', '..', 'prisma', 'migrations');

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function onServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrlOnTestServer('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one test file, so runs (and parallel developers) never
 * collide. Migrated unless `migrate: false`. Call drop() in afterAll.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `ioc_test_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = databaseUrlOnTestServer(name);
  if (options.migrate !== false) await migrateDeploy(url, MIGRATIONS_DIR);
  return {
    name,
    url,
    drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
