import { Client } from 'pg';

/** Every row of every table, ordered, as text: "changes nothing" means this is identical. */
export async function dumpAllTables(url: string): Promise<Record<string, string[]>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`,
    );
    const dump: Record<string, string[]> = {};
    for (const { tablename } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${tablename}" t ORDER BY 1`);
      dump[tablename] = rows.rows.map((r) => r.row);
    }
    return dump;
  } finally {
    await client.end();
  }
}
