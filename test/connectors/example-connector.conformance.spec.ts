import { seedEventCatalog } from '@ioc/seed';
import { describeConnectorConformance } from '@ioc/connector-sdk';
import { connector } from '../../examples/connectors/pakn.connector';
import { SIMULATOR_TOKEN, startSimulator, type RunningSimulator } from '../support';

/** The docs' worked example against the simulated DVC feedback endpoint (docs/connectors.md). */
let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ historyDays: 14 });
});
afterAll(() => simulator.close());

describeConnectorConformance({
  connector,
  stream: 'complaints',
  config: () => ({ baseUrl: simulator.url, pageSize: 2 }),
  credentials: () => ({ token: SIMULATOR_TOKEN }),
  badCredentials: () => ({ token: 'wrong-token-123' }),
  unreachableConfig: () => ({ baseUrl: 'http://127.0.0.1:9', pageSize: 2 }),
  invalidConfigs: [
    { config: { pageSize: 2 }, field: 'baseUrl' },
    { config: { baseUrl: 'http://127.0.0.1', pageSize: 0 }, field: 'pageSize' },
    { config: { baseUrl: 'http://127.0.0.1', pageSize: 2, typo: true }, field: 'typo' },
  ],
  catalog: seedEventCatalog(),
});
