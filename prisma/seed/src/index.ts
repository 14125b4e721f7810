/**
 * @ioc/seed: the data `npm run seed` writes (units, indicator catalogue, resolution targets,
 * demo sources and users) and the event catalogue it implies. For the operator scripts, tests and
 * benchmarks; the running apps never import it, so none of it ships inside their libraries.
 */
export * from './seed';
export * from './demo-sources';
export * from './seed-event-catalog';
export * from './indicator-catalog';
