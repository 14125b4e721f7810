export * from './generated/prisma/client';
export * from './migrations';
export * from './persistence.module';
export * from './prisma.service';
export * from './ensure-database';
export * from './units';
export * from './source-events';
export * from './source-health';
