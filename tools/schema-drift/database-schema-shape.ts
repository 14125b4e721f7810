import { Client } from 'pg';
import type { SchemaShape, TableShape } from './schema-shape';

/** Tables that belong to the migration tooling, not to the data model. */
const TOOLING_TABLES = new Set(['_prisma_migrations']);

const FK_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** Renders a column type the way prisma-schema-shape does, from pg_catalog's format_type(). */
export function normaliseSqlType(formatted: string): string {
  const array = formatted.endsWith('[]');
  const base = (array ? formatted.slice(0, -2) : formatted).replace(/^"(.*)"$/, '$1');
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^character varying\((\d+)\)$/, (m) => `varchar(${m[1]})`],
    [/^character varying$/, () => 'varchar'],
    [/^character\((\d+)\)$/, (m) => `bpchar(${m[1]})`],
    [/^integer$/, () => 'int4'],
    [/^smallint$/, () => 'int2'],
    [/^bigint$/, () => 'int8'],
    [/^double precision$/, () => 'float8'],
    [/^real$/, () => 'float4'],
    [/^numeric\((\d+),(\d+)\)$/, (m) => `numeric(${m[1]},${m[2]})`],
    [/^boolean$/, () => 'bool'],
    [/^timestamp\((\d)\) without time zone$/, (m) => `timestamp(${m[1]})`],
    [/^timestamp\((\d)\) with time zone$/, (m) => `timestamptz(${m[1]})`],
  ];
  for (const [pattern, render] of rules) {
    const match = pattern.exec(base);
    if (match) return render(match) + (array ? '[]' : '');
  }
  return base + (array ? '[]' : '');
}

/** Reads the live schema of a database (one Postgres schema, "public" by default). */
export async function shapeFromDatabase(databaseUrl: string, schema = 'public'): Promise<SchemaShape> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const shape: SchemaShape = { tables: {}, enums: {} };
    const table = (name: string): TableShape => (shape.tables[name] ??= { columns: {}, primaryKey: [], indexes: {}, foreignKeys: {} });

    const columns = await client.query<{ table: string; column: string; type: string; nullable: boolean; has_default: boolean }>(
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
              NOT a.attnotnull AS nullable, a.atthasdef AS has_default
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum`,
      [schema],
    );
    for (const row of columns.rows) {
      if (TOOLING_TABLES.has(row.table)) continue;
      table(row.table).columns[row.column] = {
        type: normaliseSqlType(row.type),
        nullable: row.nullable,
        hasDefault: row.has_default,
      };
    }

    const indexes = await client.query<{ table: string; name: string; unique: boolean; primary: boolean; columns: string[] }>(
      `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE n.nspname = $1
        GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary`,
      [schema],
    );
    for (const row of indexes.rows) {
      if (TOOLING_TABLES.has(row.table)) continue;
      if (row.primary) table(row.table).primaryKey = row.columns;
      else table(row.table).indexes[row.name] = { columns: row.columns, unique: row.unique };
    }

    const foreignKeys = await client.query<{
      table: string;
      name: string;
      columns: string[];
      referenced_table: string;
      referenced_columns: string[];
      on_delete: string;
    }>(
      `SELECT t.relname AS table, con.conname AS name, rt.relname AS referenced_table, con.confdeltype AS on_delete,
              ARRAY(SELECT attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute ON attrelid = con.conrelid AND attnum = k.n ORDER BY k.o) AS columns,
              ARRAY(SELECT attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute ON attrelid = con.confrelid AND attnum = k.n ORDER BY k.o) AS referenced_columns
         FROM pg_constraint con
         JOIN pg_class t ON t.oid = con.conrelid
         JOIN pg_class rt ON rt.oid = con.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND con.contype = 'f'`,
      [schema],
    );
    for (const row of foreignKeys.rows) {
      table(row.table).foreignKeys[row.name] = {
        columns: row.columns,
        referencedTable: row.referenced_table,
        referencedColumns: row.referenced_columns,
        onDelete: FK_ACTIONS[row.on_delete] ?? row.on_delete,
      };
    }

    const enums = await client.query<{ name: string; values: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
         FROM pg_type t
         JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = $1
        GROUP BY t.typname`,
      [schema],
    );
    for (const row of enums.rows) shape.enums[row.name] = row.values;
    return shape;
  } finally {
    await client.end();
  }
}
