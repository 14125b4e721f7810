import { readFile } from 'node:fs/promises';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import type { ColumnShape, ForeignKeyShape, IndexShape, SchemaShape, TableShape } from './schema-shape';

/** The subset of Prisma's DMMF this module reads. */
interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  isUpdatedAt: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  name?: string;
  dbName?: string;
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[];
    indexes: DmmfIndex[];
  };
}

/** Prisma's default Postgres types for scalar fields without @db.* attributes. */
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Decimal: 'numeric(65,30)',
  Boolean: 'bool',
  DateTime: 'timestamp(3)',
  Json: 'jsonb',
  Bytes: 'bytea',
};

const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Uuid: () => 'uuid',
  Text: () => 'text',
  VarChar: ([n]) => (n ? `varchar(${n})` : 'varchar'),
  Char: ([n]) => `bpchar(${n ?? 1})`,
  Integer: () => 'int4',
  SmallInt: () => 'int2',
  BigInt: () => 'int8',
  DoublePrecision: () => 'float8',
  Real: () => 'float4',
  Decimal: ([p, s]) => `numeric(${p},${s})`,
  Boolean: () => 'bool',
  Timestamp: ([p]) => `timestamp(${p ?? 3})`,
  Timestamptz: ([p]) => `timestamptz(${p ?? 3})`,
  Date: () => 'date',
  JsonB: () => 'jsonb',
  Json: () => 'json',
};

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

/** Prisma's default constraint and index names (max 63 characters, as Postgres truncates). */
const defaultName = (table: string, columns: string[], suffix: string): string =>
  `${table}_${columns.join('_')}`.slice(0, 63 - suffix.length - 1) + `_${suffix}`;

function columnType(field: DmmfField, enumNames: Map<string, string>): string {
  let base: string;
  if (field.kind === 'enum') {
    base = enumNames.get(field.type) ?? field.type;
  } else if (field.nativeType) {
    const [name, args] = field.nativeType;
    const render = NATIVE_TYPES[name];
    if (!render) throw new Error(`Unsupported native type @db.${name} on field ${field.name}`);
    base = render(args);
  } else {
    const type = DEFAULT_TYPES[field.type];
    if (!type) throw new Error(`Unsupported Prisma type ${field.type} on field ${field.name}`);
    base = type;
  }
  return field.isList ? `${base}[]` : base;
}

/** Reads schema.prisma with Prisma's own parser and returns the tables it implies. */
export function shapeFromPrismaSchema(schema: string): SchemaShape {
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as Dmmf;
  const enumNames = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const tableOf = new Map(dmmf.datamodel.models.map((m) => [m.name, m.dbName ?? m.name]));
  const shape: SchemaShape = {
    tables: {},
    enums: Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)])),
  };

  for (const model of dmmf.datamodel.models) {
    const table = tableOf.get(model.name)!;
    const columnOf = new Map(model.fields.map((f) => [f.name, f.dbName ?? f.name]));
    const columns: Record<string, ColumnShape> = {};
    const foreignKeys: Record<string, ForeignKeyShape> = {};
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (field.relationFromFields?.length) {
          const fkColumns = field.relationFromFields.map((f) => columnOf.get(f)!);
          const target = dmmf.datamodel.models.find((m) => m.name === field.type)!;
          const targetColumns = new Map(target.fields.map((f) => [f.name, f.dbName ?? f.name]));
          const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
          foreignKeys[defaultName(table, fkColumns, 'fkey')] = {
            columns: fkColumns,
            referencedTable: tableOf.get(field.type)!,
            referencedColumns: (field.relationToFields ?? []).map((f) => targetColumns.get(f)!),
            onDelete: REFERENTIAL_ACTIONS[onDelete] ?? onDelete,
          };
        }
        continue;
      }
      const isUuidDefault = (field.default as { name?: string } | undefined)?.name === 'uuid';
      columns[columnOf.get(field.name)!] = {
        type: columnType(field, enumNames),
        // Prisma creates scalar-list columns without NOT NULL.
        nullable: !field.isRequired || field.isList,
        // uuid() and @updatedAt are filled in by the client, not by the database.
        hasDefault: field.hasDefaultValue && !isUuidDefault && !field.isUpdatedAt,
      };
    }
    const tableShape: TableShape = { columns, primaryKey: [], indexes: {}, foreignKeys };
    for (const index of dmmf.datamodel.indexes.filter((i) => i.model === model.name)) {
      const indexColumns = index.fields.map((f) => columnOf.get(f.name)!);
      if (index.type === 'id') {
        tableShape.primaryKey = indexColumns;
        continue;
      }
      const unique = index.type === 'unique';
      const name = index.dbName ?? defaultName(table, indexColumns, unique ? 'key' : 'idx');
      tableShape.indexes[name] = { columns: indexColumns, unique } satisfies IndexShape;
    }
    shape.tables[table] = tableShape;
  }
  return shape;
}

export async function shapeFromPrismaSchemaFile(path: string): Promise<SchemaShape> {
  return shapeFromPrismaSchema(await readFile(path, 'utf8'));
}
