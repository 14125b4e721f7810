export * from './base-config';
export * from './load-config';
export * from './event-rules-config';
export * from './redis-topology';
