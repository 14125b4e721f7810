import { BaseConfig } from '@ioc/config';

/** Environment of the aggregator worker. */
export class AggregatorConfig extends BaseConfig {}
