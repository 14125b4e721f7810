import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrateDeploy } from '@ioc/persistence';
import { MIGRATIONS_DIR, createTestDatabase, type TestDatabase } from '../../support';

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('offline migrations (prisma migrate deploy compatible)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db.drop());

  it('applies every migration to an empty database, then nothing on a second run', async () => {
    const names = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(names.length).toBeGreaterThan(0);

    const first = await migrateDeploy(db.url, MIGRATIONS_DIR);
    expect(first).toEqual({ applied: names, alreadyApplied: [] });

    const second = await migrateDeploy(db.url, MIGRATIONS_DIR);
    expect(second).toEqual({ applied: [], alreadyApplied: names });
  });

  it('records each migration exactly as prisma migrate deploy does', async () => {
    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      finished_at: Date | null;
      logs: string | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(db.url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    for (const row of rows) {
      const sql = await readFile(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("creates _prisma_migrations with Prisma's own column types", async () => {
    const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      db.url,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
      { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO' },
    ]);
  });

  it('refuses to go on past a failed migration, as Prisma does', async () => {
    const broken = await createTestDatabase({ migrate: false });
    try {
      await migrateDeploy(broken.url, MIGRATIONS_DIR);
      await query(
        broken.url,
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, applied_steps_count)
                               VALUES ('00000000-0000-4000-8000-000000000000', 'x', '29990101000000_half_done', 0)`,
      );
      await expect(migrateDeploy(broken.url, MIGRATIONS_DIR)).rejects.toThrow(
        /29990101000000_half_done failed earlier and was not resolved/,
      );
    } finally {
      await broken.drop();
    }
  });
});
