import { buildEvent, field } from '@ioc/connector-sdk';
import { BearerCredentials, RestSystemConfig, RestSystemConnector, incremental, type RestStream } from './rest-system.connector';

/** Document management and operations (VNPT iOffice-like): processed and issued documents, overdue counts. */
export class IOfficeConnector extends RestSystemConnector {
  readonly spec = {
    id: 'ioffice',
    version: '1.0.0',
    displayName: 'Quản lý văn bản và điều hành (iOffice)',
    configSchema: RestSystemConfig,
    credentialsSchema: BearerCredentials,
    defaultSchedule: 'every:60000',
  };

  protected readonly streams: RestStream[] = [
    {
      name: 'documents',
      description: 'Incoming documents once processed (on the network? on time?) and outgoing documents issued (signed?)',
      path: '/ioffice/api/v1/documents',
      cursor: incremental,
      kinds: ['document.processed', 'document.issued'],
      map: (record, context) => {
        const id = field.string(record, 'id');
        const unitCode = field.string(record, 'maDonVi');
        const direction = field.string(record, 'loaiVanBan');
        if (direction === 'di') {
          return [
            buildEvent(context, {
              key: [id, 'issued'],
              unitCode,
              occurredAt: field.instant(record, 'ngayTao').iso,
              kind: 'document.issued',
              kindClass: 'fact',
              values: { count: 1 },
              attributes: { signed: field.boolean(record, 'kySo') },
            }),
          ];
        }
        if (direction !== 'den') throw new Error(`loaiVanBan must be "den" or "di" (got ${JSON.stringify(direction)})`);
        const processedAt = field.optionalString(record, 'ngayXuLy');
        if (processedAt === null) return [];
        const processed = field.instant(record, 'ngayXuLy');
        return [
          buildEvent(context, {
            key: [id, 'processed'],
            unitCode,
            occurredAt: processed.iso,
            kind: 'document.processed',
            kindClass: 'fact',
            values: { count: 1 },
            attributes: { onNetwork: field.boolean(record, 'xuLyTrenMang'), onTime: processed.ms <= field.instant(record, 'hanXuLy').ms },
          }),
        ];
      },
    },
    {
      name: 'overdue-snapshots',
      description: 'Hourly count of overdue incoming documents per unit (gauge)',
      path: '/ioffice/api/v1/overdue-snapshots',
      cursor: incremental,
      kinds: ['documents.overdue'],
      map: (record, context) => [
        buildEvent(context, {
          key: [field.string(record, 'id')],
          unitCode: field.string(record, 'maDonVi'),
          occurredAt: field.instant(record, 'thoiDiem').iso,
          kind: 'documents.overdue',
          kindClass: 'gauge',
          values: { count: field.number(record, 'soVanBanQuaHan') },
        }),
      ],
    },
  ];
}
