import { BaseConfig } from '@ioc/config';

/** Environment of the connectors worker. */
export class ConnectorsConfig extends BaseConfig {}
