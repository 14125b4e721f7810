// Development tool: compares prisma/schema.prisma with a migrated database. Kept out of the
// runtime libs because it needs Prisma's schema parser, a development dependency.
export * from './database-schema-shape';
export * from './prisma-schema-shape';
export * from './schema-drift';
export * from './schema-shape';
