import { buildEvent, field, type EventDraft } from '@ioc/connector-sdk';
import { BearerCredentials, RestSystemConfig, RestSystemConnector, incremental, type RestStream } from './rest-system.connector';

/** KenhNop codes of the national one-stop systems. */
const CHANNELS: Record<number, string> = { 1: 'direct', 2: 'online', 3: 'postal' };

/** Public services / one-stop (DVC): dossiers received, paid, resolved; procedure catalogue; complaints. */
export class DvcConnector extends RestSystemConnector {
  readonly spec = {
    id: 'dvc',
    version: '1.0.0',
    displayName: 'Giải quyết TTHC / Cổng dịch vụ công (một cửa điện tử)',
    configSchema: RestSystemConfig,
    credentialsSchema: BearerCredentials,
    defaultSchedule: 'every:60000',
  };

  protected readonly streams: RestStream[] = [
    {
      name: 'dossiers',
      description: 'Dossiers: received (channel), paid (online or not), resolved (on time or late)',
      path: '/dvc/api/v1/dossiers',
      cursor: incremental,
      kinds: ['dossier.received', 'dossier.paid', 'dossier.resolved'],
      map: (record, context) => {
        const id = field.string(record, 'MaHoSo');
        const unitCode = field.string(record, 'MaDonVi');
        const kenhNop = field.number(record, 'KenhNop');
        const channel = CHANNELS[kenhNop];
        if (!channel) throw new Error(`KenhNop must be 1, 2 or 3 (got ${kenhNop})`);
        const fact = (what: string, occurredAt: string, attributes: EventDraft['attributes']) =>
          buildEvent(context, { key: [id, what], unitCode, occurredAt, kind: `dossier.${what}`, kindClass: 'fact', values: { count: 1 }, attributes });
        const events = [fact('received', field.instant(record, 'NgayTiepNhan').iso, { channel })];
        if (field.optionalString(record, 'NgayThanhToan') !== null) {
          const online = field.string(record, 'HinhThucThanhToan') === 'TRUC_TUYEN';
          events.push(fact('paid', field.instant(record, 'NgayThanhToan').iso, { channel: online ? 'online' : 'direct' }));
        }
        if (field.optionalString(record, 'NgayKetQua') !== null) {
          const resolved = field.instant(record, 'NgayKetQua');
          events.push(fact('resolved', resolved.iso, { onTime: resolved.ms <= field.instant(record, 'NgayHenTra').ms }));
        }
        return events;
      },
    },
    {
      name: 'procedure-catalog',
      description: 'Daily count of eligible procedures and of those offered fully online, per unit (gauge)',
      path: '/dvc/api/v1/procedure-catalog',
      cursor: incremental,
      kinds: ['procedures.catalog'],
      map: (record, context) => [buildEvent(context, {
        key: [field.string(record, 'id')], unitCode: field.string(record, 'MaDonVi'), occurredAt: field.instant(record, 'Ngay').iso,
        kind: 'procedures.catalog', kindClass: 'gauge',
        values: { fullyOnline: field.number(record, 'SoTTHCToanTrinh'), eligible: field.number(record, 'SoTTHCDuDieuKien') },
      })],
    },
    {
      name: 'feedback',
      description: 'Citizen complaints (PAKN)',
      path: '/dvc/api/v1/feedback',
      cursor: incremental,
      kinds: ['feedback.complaint'],
      map: (record, context) =>
        field.string(record, 'LoaiPhanAnh') !== 'KHIEU_NAI'
          ? []
          : [buildEvent(context, {
              key: [field.string(record, 'id')], unitCode: field.string(record, 'MaDonVi'), occurredAt: field.instant(record, 'NgayGui').iso,
              kind: 'feedback.complaint', kindClass: 'fact', values: { count: 1 },
            })],
    },
  ];
}
