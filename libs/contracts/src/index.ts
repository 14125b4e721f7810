export * from './events';
export * from './health';
export * from './indicators';
export * from './queues';
export * from './socket-events';
export * from './ingest';
