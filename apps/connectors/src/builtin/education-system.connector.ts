import { buildEvent, field } from '@ioc/connector-sdk';
import { BearerCredentials, RestSystemConfig, RestSystemConnector, incremental, type RestStream } from './rest-system.connector';

/** Education information system: daily attendance, digital school records and cashless tuition per school. */
export class EducationSystemConnector extends RestSystemConnector {
  readonly spec = {
    id: 'education',
    version: '1.0.0',
    displayName: 'Hệ thống thông tin giáo dục',
    configSchema: RestSystemConfig,
    credentialsSchema: BearerCredentials,
    defaultSchedule: 'every:60000',
  };

  protected readonly streams: RestStream[] = [
    {
      name: 'attendance',
      description: 'Daily roll call per school: present, digital school records (học bạ số) and cashless tuition against enrolled (gauges)',
      path: '/edu/api/v1/attendance',
      cursor: incremental,
      kinds: ['attendance.daily', 'school_records.digital', 'tuition.cashless'],
      map: (record, context) => {
        const id = field.string(record, 'id');
        const unitCode = field.string(record, 'maTruong');
        const occurredAt = field.instant(record, 'thoiDiemDiemDanh').iso;
        const enrolled = field.number(record, 'siSo');
        return [
          buildEvent(context, {
            key: [id],
            unitCode,
            occurredAt,
            kind: 'attendance.daily',
            kindClass: 'gauge',
            values: { present: field.number(record, 'coMat'), enrolled },
          }),
          buildEvent(context, {
            key: [id, 'hocBaSo'],
            unitCode,
            occurredAt,
            kind: 'school_records.digital',
            kindClass: 'gauge',
            values: { digital: field.number(record, 'hocBaSo'), enrolled },
          }),
          buildEvent(context, {
            key: [id, 'khongTienMat'],
            unitCode,
            occurredAt,
            kind: 'tuition.cashless',
            kindClass: 'gauge',
            values: { cashless: field.number(record, 'thanhToanKhongTienMat'), enrolled },
          }),
        ];
      },
    },
  ];
}
