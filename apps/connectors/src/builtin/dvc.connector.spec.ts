import type { NormalizedEvent } from '@ioc/contracts';
import { DvcConnector } from './dvc.connector';

/** The DVC mapping of Decision 766's on-time rule: finished by the appointment, supplement waiting excluded when reported. */
describe('DvcConnector dossiers mapping', () => {
  const stream = new DvcConnector()['streams'].find((s) => s.name === 'dossiers')!;
  const context = { sourceId: 'src', stream: 'dossiers' } as Parameters<typeof stream.map>[1];
  const dossier = (extra: Record<string, unknown>) => ({
    MaHoSo: 'H51.1',
    MaDonVi: '21001',
    KenhNop: 2,
    NgayTiepNhan: '2026-11-02T08:00:00+07:00',
    NgayHenTra: '2026-11-04T17:00:00+07:00',
    // Finished two days after the appointment.
    NgayKetQua: '2026-11-06T17:00:00+07:00',
    NgayThanhToan: null,
    ...extra,
  });
  const resolved = (record: unknown) => (stream.map(record, context) as NormalizedEvent[]).find((e) => e.kind === 'dossier.resolved')!;

  it('judges a dossier late when the source reports no supplement wait', () => {
    expect(resolved(dossier({})).attributes).toEqual({ onTime: false });
  });

  it("excludes the time waiting for the citizen's supplement (3 days = 4,320 min): on time", () => {
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

/** QĐ 766 counts each procedure code once at a parent: the catalogue is read per procedure, with its code. */
describe('DvcConnector procedure catalogue mapping', () => {
  const stream = new DvcConnector()['streams'].find((s) => s.name === 'procedure-catalog')!;
  const context = { sourceId: 'src', stream: 'procedure-catalog' } as Parameters<typeof stream.map>[1];
  const listing = (extra: Record<string, unknown>) => ({
    id: 'DM-1',
    MaDonVi: '21001',
    MaTTHC: '1.001193',
    Ngay: '2026-11-02T07:00:00+07:00',
    DuDieuKien: true,
    MucDo: 'TOAN_TRINH',
    ...extra,
  });
  const mapped = (record: unknown) => (stream.map(record, context) as NormalizedEvent[])[0]!;

  it('reads one procedure of a unit as a standing listing keyed by its code', () => {
    expect(mapped(listing({}))).toMatchObject({
      kind: 'procedure.listed',
      kindClass: 'gauge',
      unitCode: '21001',
      attributes: { code: '1.001193' },
      values: { eligible: 1, fullyOnline: 1 },
    });
    expect(mapped(listing({ MucDo: 'MOT_PHAN' })).values).toEqual({ eligible: 1, fullyOnline: 0 });
    // Withdrawn from the catalogue (no longer eligible): neither counted as eligible nor as fully online.
    expect(mapped(listing({ DuDieuKien: false })).values).toEqual({ eligible: 0, fullyOnline: 0 });
  });
});
