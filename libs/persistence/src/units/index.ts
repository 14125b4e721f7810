export * from './unit-list';
export * from './unit-import';
export * from './unit-list-file';
export * from './compare';
