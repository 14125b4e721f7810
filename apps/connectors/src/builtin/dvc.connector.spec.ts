import type { NormalizedEvent } from '@ioc/contracts';
import { DvcConnector } from './dvc.connector';

/** The DVC mapping of Decision 766's on-time rule: finished by the appointment, supplement waiting excluded when reported. */
describe('DvcConnector dossiers mapping', () => {
  const stream = new DvcConnector()['streams'].find((s) => s.name === 'dossiers')!;
  const context = { sourceId: 'src', stream: 'dossiers' } as Parameters<typeof stream.map>[1];
  const dossier = (extra: Record<string, unknown>) => ({
    MaHoSo: 'H51.1', MaDonVi: '21001', KenhNop: 2, NgayTiepNhan: '2026-11-02T08:00:00+07:00', NgayHenTra: '2026-11-04T17:00:00+07:00',
    // Finished two days after the appointment.
    NgayKetQua: '2026-11-06T17:00:00+07:00', NgayThanhToan: null, ...extra,
  });
  const resolved = (record: unknown) => (stream.map(record, context) as NormalizedEvent[]).find((e) => e.kind === 'dossier.resolved')!;

  it('judges a dossier late when the source reports no supplement wait', () => {
    expect(resolved(dossier({})).attributes).toEqual({ onTime: false });
  });

  it('excludes the time waiting for the citizen\'s supplement (3 days = 4,320 min): on time', () => {
    expect(resolved(dossier({ ThoiGianChoBoSungPhut: 4320 })).attributes).toEqual({ onTime: true });
    // One day of waiting does not cover two days late.
    expect(resolved(dossier({ ThoiGianChoBoSungPhut: 1440 })).attributes).toEqual({ onTime: false });
  });

  it('marks online filing with an electronic result (HinhThucNhanKetQua)', () => {
    const received = (record: unknown) => (stream.map(record, context) as NormalizedEvent[]).find((e) => e.kind === 'dossier.received')!;
    expect(received(dossier({ HinhThucNhanKetQua: 'TRUC_TUYEN' })).attributes).toEqual({ channel: 'online', electronicResult: true });
    expect(received(dossier({})).attributes).toEqual({ channel: 'online', electronicResult: false });
  });
});
