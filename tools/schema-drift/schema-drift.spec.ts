import { normaliseSqlType } from './database-schema-shape';
import { shapeFromPrismaSchema } from './prisma-schema-shape';
import { diffSchemas } from './schema-drift';
import type { SchemaShape, TableShape } from './schema-shape';

const SCHEMA = `
datasource db {
  provider = "postgresql"
}
enum Level {
  HIGH
  LOW
}
model Parent {
  id   String @id @default(uuid()) @db.Uuid
  name String @db.VarChar(64)
  kids Child[]
  @@map("parents")
}
model Child {
  id        BigInt   @id @default(autoincrement())
  parentId  String   @map("parent_id") @db.Uuid
  parent    Parent   @relation(fields: [parentId], references: [id], onDelete: Cascade)
  level     Level    @default(LOW)
  tags      String[]
  at        DateTime @default(now()) @db.Timestamptz(3)
  note      String?
  @@unique([parentId, level])
  @@index([at])
  @@map("children")
}`;

/** A table the test schema declares (the shape's tables are keyed by name, so the type allows a miss). */
function table(shape: SchemaShape, name: string): TableShape {
  const found = shape.tables[name];
  if (!found) throw new Error(`no table ${name} in the shape`);
  return found;
}

describe('shapeFromPrismaSchema', () => {
  const shape = shapeFromPrismaSchema(SCHEMA);

  it('maps fields to the Postgres columns Prisma would create', () => {
    expect(table(shape, 'parents').columns).toEqual({
      id: { type: 'uuid', nullable: false, hasDefault: false },
      name: { type: 'varchar(64)', nullable: false, hasDefault: false },
    });
    expect(table(shape, 'children').columns).toEqual({
      id: { type: 'int8', nullable: false, hasDefault: true },
      parent_id: { type: 'uuid', nullable: false, hasDefault: false },
      level: { type: 'Level', nullable: false, hasDefault: true },
      tags: { type: 'text[]', nullable: true, hasDefault: false },
      at: { type: 'timestamptz(3)', nullable: false, hasDefault: true },
      note: { type: 'text', nullable: true, hasDefault: false },
    });
  });

  it("names keys, indexes and foreign keys by Prisma's conventions", () => {
    expect(table(shape, 'children').primaryKey).toEqual(['id']);
    expect(table(shape, 'children').indexes).toEqual({
      children_parent_id_level_key: { columns: ['parent_id', 'level'], unique: true },
      children_at_idx: { columns: ['at'], unique: false },
    });
    expect(table(shape, 'children').foreignKeys).toEqual({
      children_parent_id_fkey: { columns: ['parent_id'], referencedTable: 'parents', referencedColumns: ['id'], onDelete: 'CASCADE' },
    });
    expect(shape.enums).toEqual({ Level: ['HIGH', 'LOW'] });
  });
});

describe('diffSchemas', () => {
  const expected = shapeFromPrismaSchema(SCHEMA);

  it('finds nothing when the shapes agree', () => {
    expect(diffSchemas(expected, structuredClone(expected))).toEqual([]);
  });

  it('reports each kind of difference in words', () => {
    const actual = structuredClone(expected);
    const parents = table(actual, 'parents');
    const children = table(actual, 'children');
    parents.columns.name = { ...parents.columns.name!, type: 'text' };
    children.columns.note = { ...children.columns.note!, nullable: false };
    delete children.indexes.children_at_idx;
    children.columns.extra = { type: 'int4', nullable: true, hasDefault: false };
    actual.enums.Level = ['HIGH'];
    expect(diffSchemas(expected, actual)).toEqual([
      'enum Level: expected values ["HIGH","LOW"] but found ["HIGH"]',
      'table children, column extra: in the database but not in schema.prisma',
      'table children, column note: expected NULL but found NOT NULL',
      'table children, index children_at_idx: missing in the database',
      'table parents, column name: expected type varchar(64) but found text',
    ]);
  });
});

describe('normaliseSqlType', () => {
  it.each([
    ['character varying(64)', 'varchar(64)'],
    ['timestamp(3) with time zone', 'timestamptz(3)'],
    ['timestamp(3) without time zone', 'timestamp(3)'],
    ['"UnitTier"[]', 'UnitTier[]'],
    ['numeric(12,4)', 'numeric(12,4)'],
    ['double precision', 'float8'],
    ['jsonb', 'jsonb'],
  ])('%s → %s', (input, output) => expect(normaliseSqlType(input)).toBe(output));
});
