import { resolve } from 'node:path';
import { Client } from 'pg';
import { diffSchemas, shapeFromDatabase, shapeFromPrismaSchemaFile, type SchemaShape } from '../../../tools/schema-drift';
import { PROJECT_ROOT, createTestDatabase, type TestDatabase } from '../../support';

const SCHEMA_FILE = resolve(PROJECT_ROOT, 'prisma', 'schema.prisma');

async function execute(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('schema.prisma and the migrated database agree', () => {
  let db: TestDatabase;
  let expected: SchemaShape;

  beforeAll(async () => {
    db = await createTestDatabase();
    expected = await shapeFromPrismaSchemaFile(SCHEMA_FILE);
  });
  afterAll(() => db.drop());

  it('finds no drift after the migrations (tables, columns, types, nullability, indexes, keys, enums)', async () => {
    expect(diffSchemas(expected, await shapeFromDatabase(db.url))).toEqual([]);
  });

  it('catches a deliberately changed column, a dropped index and a relaxed NOT NULL', async () => {
    const drifted = await createTestDatabase();
    try {
      await execute(
        drifted.url,
        `ALTER TABLE "indicator_definitions" ALTER COLUMN "name_vi" TYPE TEXT;
         ALTER TABLE "sources" ALTER COLUMN "schedule" DROP NOT NULL;
         DROP INDEX "audit_logs_at_idx";
         ALTER TABLE "users" ADD COLUMN "nickname" TEXT;`,
      );
      expect(diffSchemas(expected, await shapeFromDatabase(drifted.url))).toEqual([
        'table audit_logs, index audit_logs_at_idx: missing in the database',
        'table indicator_definitions, column name_vi: expected type varchar(255) but found text',
        'table sources, column schedule: expected NOT NULL but found NULL',
        'table users, column nickname: in the database but not in schema.prisma',
      ]);
    } finally {
      await drifted.drop();
    }
  });
});
