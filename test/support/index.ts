export * from './processes';
export * from './test-database';
export * from './test-redis';
export * from './simulator';
export * from './connectors';
export * from './event-queues';
export * from './ports';
