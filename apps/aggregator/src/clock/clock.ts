/** Injection token of the aggregator's clock: tests replace it to cross local midnight and month ends. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
