export * from './job-options';
export * from './queues.module';
export * from './redis.module';
export * from './dead-letters';
export * from './typed-queue';
export * from './event-queues';
