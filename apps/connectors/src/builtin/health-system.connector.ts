import { buildEvent, field } from '@ioc/connector-sdk';
import { BearerCredentials, RestSystemConfig, RestSystemConnector, incremental, type RestStream } from './rest-system.connector';

/** Health information system: hourly facility reports (visits, inpatients against beds). */
export class HealthSystemConnector extends RestSystemConnector {
  readonly spec = {
    id: 'health',
    version: '1.0.0',
    displayName: 'Hệ thống thông tin y tế',
    configSchema: RestSystemConfig,
    credentialsSchema: BearerCredentials,
    defaultSchedule: 'every:60000',
  };

  protected readonly streams: RestStream[] = [
    {
      name: 'facility-reports',
      description: 'Hourly report per facility: visits in the hour (fact) and bed occupancy (gauge)',
      path: '/his/api/v1/facility-reports',
      cursor: incremental,
      kinds: ['visits.recorded', 'beds.occupancy'],
      map: (record, context) => {
        const id = field.string(record, 'id');
        const unitCode = field.string(record, 'maCoSo');
        const occurredAt = field.instant(record, 'gioKetThuc').iso;
        return [
          buildEvent(context, { key: [id, 'visits'], unitCode, occurredAt, kind: 'visits.recorded', kindClass: 'fact', values: { count: field.number(record, 'luotKham') } }),
          buildEvent(context, {
            key: [id, 'beds'], unitCode, occurredAt, kind: 'beds.occupancy', kindClass: 'gauge',
            values: { occupied: field.number(record, 'benhNhanNoiTru'), beds: field.number(record, 'giuongKeHoach') },
          }),
        ];
      },
    },
  ];
}
