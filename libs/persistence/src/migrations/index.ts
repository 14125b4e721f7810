export * from './database-schema-shape';
export * from './migrator';
export * from './prisma-schema-shape';
export * from './schema-drift';
export * from './schema-shape';
