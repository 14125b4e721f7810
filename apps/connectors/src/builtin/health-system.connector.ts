import { buildEvent, field } from '@ioc/connector-sdk';
import { BearerCredentials, RestSystemConfig, RestSystemConnector, incremental, type RestStream } from './rest-system.connector';

/** Health information system: hourly facility reports (visits, inpatients against beds, emergencies, notifiable diseases, electronic health records). */
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
      description:
        'Hourly report per facility: visits, emergencies, notifiable-disease cases and electronic health records opened in the hour (facts), bed occupancy (gauge)',
      path: '/his/api/v1/facility-reports',
      cursor: incremental,
      kinds: ['visits.recorded', 'beds.occupancy', 'emergencies.recorded', 'diseases.notified', 'health_records.opened'],
      map: (record, context) => {
        const id = field.string(record, 'id');
        const unitCode = field.string(record, 'maCoSo');
        const occurredAt = field.instant(record, 'gioKetThuc').iso;
        return [
          buildEvent(context, {
            key: [id, 'visits'],
            unitCode,
            occurredAt,
            kind: 'visits.recorded',
            kindClass: 'fact',
            values: { count: field.number(record, 'luotKham') },
          }),
          buildEvent(context, {
            key: [id, 'beds'],
            unitCode,
            occurredAt,
            kind: 'beds.occupancy',
            kindClass: 'gauge',
            values: { occupied: field.number(record, 'benhNhanNoiTru'), beds: field.number(record, 'giuongKeHoach') },
          }),
          // capCuu, benhTruyenNhiem, hoSoSucKhoeDienTu: counts in the hour (0 is a report too: it makes a count 0, not N/A).
          ...(
            [
              ['emergencies.recorded', 'capCuu'],
              ['diseases.notified', 'benhTruyenNhiem'],
              ['health_records.opened', 'hoSoSucKhoeDienTu'],
            ] as const
          ).map(([kind, name]) =>
            buildEvent(context, {
              key: [id, kind],
              unitCode,
              occurredAt,
              kind,
              kindClass: 'fact',
              values: { count: field.number(record, name) },
            }),
          ),
        ];
      },
    },
  ];
}
