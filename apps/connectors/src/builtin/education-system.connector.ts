import { buildEvent, field } from '@ioc/connector-sdk';
import { BearerCredentials, RestSystemConfig, RestSystemConnector, incremental, type RestStream } from './rest-system.connector';

/** Education information system: daily attendance per school. */
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
      description: 'Daily roll call per school: present against enrolled (gauge)',
      path: '/edu/api/v1/attendance',
      cursor: incremental,
      kinds: ['attendance.daily'],
      map: (record, context) => [buildEvent(context, {
        key: [field.string(record, 'id')], unitCode: field.string(record, 'maTruong'), occurredAt: field.instant(record, 'thoiDiemDiemDanh').iso,
        kind: 'attendance.daily', kindClass: 'gauge', values: { present: field.number(record, 'coMat'), enrolled: field.number(record, 'siSo') },
      })],
    },
  ];
}
