import { seedEventCatalog } from '@ioc/seed';
import { describeConnectorConformance, type Connector } from '@ioc/connector-sdk';
import { DvcConnector } from '../../apps/connectors/src/builtin/dvc.connector';
import { EducationSystemConnector } from '../../apps/connectors/src/builtin/education-system.connector';
import { GenericHttpConnector } from '../../apps/connectors/src/builtin/generic-http.connector';
import { HealthSystemConnector } from '../../apps/connectors/src/builtin/health-system.connector';
import { IOfficeConnector } from '../../apps/connectors/src/builtin/ioffice.connector';
import { SIMULATOR_TOKEN, startSimulator, type RunningSimulator } from '../support';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ historyDays: 3 });
});
afterAll(() => simulator.close());

const restConfig = () => ({ baseUrl: simulator.url, pageSize: 5 });
const common = {
  credentials: () => ({ token: SIMULATOR_TOKEN }),
  badCredentials: () => ({ token: 'wrong-token-123' }),
  unreachableConfig: () => ({ baseUrl: 'http://127.0.0.1:9', pageSize: 25 }),
  invalidConfigs: [
    { config: { baseUrl: 'ftp://x', pageSize: 25 }, field: 'baseUrl' },
    { config: { baseUrl: 'http://127.0.0.1', pageSize: 501 }, field: 'pageSize' },
  ],
  catalog: seedEventCatalog(),
};

const builtins: [Connector, string][] = [
  [new IOfficeConnector(), 'documents'],
  [new DvcConnector(), 'dossiers'],
  [new HealthSystemConnector(), 'facility-reports'],
  [new EducationSystemConnector(), 'attendance'],
];
for (const [connector, stream] of builtins) describeConnectorConformance({ ...common, connector, stream, config: restConfig });

/** The generic connector on the simulated education endpoint: configured by data alone, no code. */
const attendanceMapping = `{
  "key": id,
  "unitCode": maTruong,
  "occurredAt": thoiDiemDiemDanh,
  "kind": "attendance.daily",
  "kindClass": "gauge",
  "values": { "present": coMat, "enrolled": siSo }
}`;
const genericConfig = (baseUrl: string) => ({
  baseUrl,
  auth: { type: 'bearer' },
  streams: [{ name: 'attendance', path: '/edu/api/v1/attendance', paging: 'page', pageSize: 2, mapping: attendanceMapping }],
});
describeConnectorConformance({
  ...common,
  connector: new GenericHttpConnector(),
  stream: 'attendance',
  config: () => genericConfig(simulator.url),
  unreachableConfig: () => genericConfig('http://127.0.0.1:9'),
  invalidConfigs: [
    { config: { ...genericConfig('http://127.0.0.1'), streams: [] }, field: 'streams' },
    { config: { ...genericConfig('http://127.0.0.1'), auth: { type: 'oauth' } }, field: 'auth.type' },
    { config: { baseUrl: 'http://127.0.0.1', streams: [{ name: 'a', path: '/x', mapping: '{ "key": ' }] }, field: 'streams.0.mapping' },
  ],
});
