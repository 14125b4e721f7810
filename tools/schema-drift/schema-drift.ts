import type { SchemaShape } from './schema-shape';

/**
 * Differences between what schema.prisma declares and what a database holds, one readable
 * line each ("table indicator_definitions, column name_vi: expected varchar(255) but found text").
 * Empty means no drift.
 */
export function diffSchemas(expected: SchemaShape, actual: SchemaShape): string[] {
  const problems: string[] = [];
  const keys = (a: object, b: object): string[] => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const show = (value: unknown): string => JSON.stringify(value);
  // Shapes are plain JSON built in a fixed key order, so their JSON text compares them.
  const same = (a: unknown, b: unknown): boolean => show(a) === show(b);

  for (const name of keys(expected.enums, actual.enums)) {
    const want = expected.enums[name];
    const have = actual.enums[name];
    if (!have) problems.push(`enum ${name}: missing in the database`);
    else if (!want) problems.push(`enum ${name}: in the database but not in schema.prisma`);
    else if (!same(want, have)) problems.push(`enum ${name}: expected values ${show(want)} but found ${show(have)}`);
  }

  for (const tableName of keys(expected.tables, actual.tables)) {
    const want = expected.tables[tableName];
    const have = actual.tables[tableName];
    if (!have) {
      problems.push(`table ${tableName}: missing in the database`);
      continue;
    }
    if (!want) {
      problems.push(`table ${tableName}: in the database but not in schema.prisma`);
      continue;
    }
    const at = `table ${tableName}`;
    for (const column of keys(want.columns, have.columns)) {
      const w = want.columns[column];
      const h = have.columns[column];
      if (!h) problems.push(`${at}, column ${column}: missing in the database`);
      else if (!w) problems.push(`${at}, column ${column}: in the database but not in schema.prisma`);
      else {
        if (w.type !== h.type) problems.push(`${at}, column ${column}: expected type ${w.type} but found ${h.type}`);
        if (w.nullable !== h.nullable) {
          problems.push(
            `${at}, column ${column}: expected ${w.nullable ? 'NULL' : 'NOT NULL'} but found ${h.nullable ? 'NULL' : 'NOT NULL'}`,
          );
        }
        if (w.hasDefault !== h.hasDefault) {
          problems.push(
            `${at}, column ${column}: expected ${w.hasDefault ? 'a default' : 'no default'} but found ${h.hasDefault ? 'one' : 'none'}`,
          );
        }
      }
    }
    if (!same(want.primaryKey, have.primaryKey)) {
      problems.push(`${at}: expected primary key ${show(want.primaryKey)} but found ${show(have.primaryKey)}`);
    }
    for (const index of keys(want.indexes, have.indexes)) {
      const w = want.indexes[index];
      const h = have.indexes[index];
      if (!h) problems.push(`${at}, index ${index}: missing in the database`);
      else if (!w) problems.push(`${at}, index ${index}: in the database but not in schema.prisma`);
      else if (!same(w, h)) problems.push(`${at}, index ${index}: expected ${show(w)} but found ${show(h)}`);
    }
    for (const fk of keys(want.foreignKeys, have.foreignKeys)) {
      const w = want.foreignKeys[fk];
      const h = have.foreignKeys[fk];
      if (!h) problems.push(`${at}, foreign key ${fk}: missing in the database`);
      else if (!w) problems.push(`${at}, foreign key ${fk}: in the database but not in schema.prisma`);
      else if (!same(w, h)) problems.push(`${at}, foreign key ${fk}: expected ${show(w)} but found ${show(h)}`);
    }
  }
  return problems;
}
