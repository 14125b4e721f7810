import { buildEvent, field, type EventDraft } from '@ioc/connector-sdk';
import { BearerCredentials, RestSystemConfig, RestSystemConnector, incremental, type RestStream } from './rest-system.connector';

/** KenhNop codes of the national one-stop systems. */
const CHANNELS: Record<number, string> = { 1: 'direct', 2: 'online', 3: 'postal' };

/** Public services / one-stop (DVC): dossiers received, paid, resolved; the overdue backlog; procedure catalogue; complaints about dossiers. */
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
          buildEvent(context, {
            key: [id, what],
            unitCode,
            occurredAt,
            kind: `dossier.${what}`,
            kindClass: 'fact',
            values: { count: 1 },
            attributes,
          });
        const electronicResult = field.optionalString(record, 'HinhThucNhanKetQua') === 'TRUC_TUYEN';
        const events = [fact('received', field.instant(record, 'NgayTiepNhan').iso, { channel, electronicResult })];
        if (field.optionalString(record, 'NgayThanhToan') !== null) {
          const online = field.string(record, 'HinhThucThanhToan') === 'TRUC_TUYEN';
          events.push(fact('paid', field.instant(record, 'NgayThanhToan').iso, { channel: online ? 'online' : 'direct' }));
        }
        if (field.optionalString(record, 'NgayKetQua') !== null) {
          const resolved = field.instant(record, 'NgayKetQua');
          // QĐ 766: time waiting for the citizen's supplement is excluded, when the source reports it.
          const waitedMs = (field.optionalNumber(record, 'ThoiGianChoBoSungPhut') ?? 0) * 60_000;
          events.push(fact('resolved', resolved.iso, { onTime: resolved.ms - waitedMs <= field.instant(record, 'NgayHenTra').ms }));
        }
        return events;
      },
    },
    {
      name: 'overdue-backlog',
      description: 'Dossiers unfinished past their appointment per unit, a new record each time the count changes (gauge)',
      path: '/dvc/api/v1/overdue-backlog',
      cursor: incremental,
      kinds: ['dossiers.overdue_open'],
      map: (record, context) => [
        buildEvent(context, {
          key: [field.string(record, 'id')],
          unitCode: field.string(record, 'MaDonVi'),
          occurredAt: field.instant(record, 'ThoiDiem').iso,
          kind: 'dossiers.overdue_open',
          kindClass: 'gauge',
          values: { count: field.number(record, 'SoHoSoQuaHanChuaGiaiQuyet') },
        }),
      ],
    },
    {
      name: 'procedure-catalog',
      description:
        "The unit's procedure catalogue, one record per procedure (MaTTHC) each time its listing changes: eligible, and offered fully online or not (gauge)",
      path: '/dvc/api/v1/procedure-catalog',
      cursor: incremental,
      kinds: ['procedure.listed'],
      map: (record, context) => {
        // QĐ 766 counts each procedure code once at a parent, so the code travels with the reading.
        const eligible = field.boolean(record, 'DuDieuKien');
        return [
          buildEvent(context, {
            key: [field.string(record, 'id')],
            unitCode: field.string(record, 'MaDonVi'),
            occurredAt: field.instant(record, 'Ngay').iso,
            kind: 'procedure.listed',
            kindClass: 'gauge',
            attributes: { code: field.string(record, 'MaTTHC') },
            values: { eligible: eligible ? 1 : 0, fullyOnline: eligible && field.string(record, 'MucDo') === 'TOAN_TRINH' ? 1 : 0 },
          }),
        ];
      },
    },
    {
      name: 'feedback',
      description: 'Citizen complaints (PAKN) about a dossier: one event per dossier complained about, however many complaints',
      path: '/dvc/api/v1/feedback',
      cursor: incremental,
      kinds: ['dossier.complained'],
      map: (record, context) => {
        const dossier = field.optionalString(record, 'MaHoSo');
        // Only complaints about a dossier enter the 766 satisfaction share; the key is the dossier, so it counts once.
        if (field.string(record, 'LoaiPhanAnh') !== 'KHIEU_NAI' || dossier === null) return [];
        return [
          buildEvent(context, {
            key: [dossier, 'complained'],
            unitCode: field.string(record, 'MaDonVi'),
            occurredAt: field.instant(record, 'NgayGui').iso,
            kind: 'dossier.complained',
            kindClass: 'fact',
            values: { count: 1 },
          }),
        ];
      },
    },
  ];
}
