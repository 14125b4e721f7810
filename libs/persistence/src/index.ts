export * from './generated/prisma/client';
export * from './migrations';
export * from './persistence.module';
export * from './prisma.service';
export * from './seed/seed';
export * from './ensure-database';
export * from './units';
export * from './seed/demo-sources';
