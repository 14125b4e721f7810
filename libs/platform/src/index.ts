export * from './dependency-check';
export * from './fail-fast';
export * from './logging';
export * from './redact-url';
export * from './redis-health.indicator';
export * from './shutdown';
export * from './bootstrap';
export * from './metrics';
