import { Client } from 'pg';
import { DependencyUnreachableError, checkPostgres } from '@ioc/platform';

/**
 * Creates the database named in DATABASE_URL when the server is up but the database is
 * not there yet (a fresh machine), so the start command needs no manual createdb.
 */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database (expected postgresql://user@host:port/<database>)');
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  try {
    await checkPostgres(databaseUrl);
    return { created: false };
  } catch (error) {
    if (!(error instanceof DependencyUnreachableError) || error.reason !== '3D000') throw error;
  }
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return { created: true };
  } finally {
    await client.end();
  }
}
