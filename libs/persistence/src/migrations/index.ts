export * from './migrator';
