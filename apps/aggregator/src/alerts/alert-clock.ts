import type { Clock } from '@ioc/alerting';

/** Injection token of the alerting clock; tests replace it to drive pending, grouping and escalation times. */
export const ALERT_CLOCK = Symbol('ALERT_CLOCK');
export type { Clock };
