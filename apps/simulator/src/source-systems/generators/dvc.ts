import { fact, gauge, uniqueStages, type SimEntity, type SimResource, type TruthFact } from './entity';
import { SeededRandom } from './random';
import { oneStopUnits } from './units';
import { HOUR_MS, MINUTE_MS, addWorkingDays, dayStart, isWorkingDay, officeTime, timeBetween, toLocalIso } from './working-day';

type Channel = 'online' | 'direct' | 'postal';
/** Field values of the national one-stop systems (KenhNop: 1 trực tiếp, 2 trực tuyến, 3 bưu chính). */
const KENH_NOP: Record<Channel, number> = { direct: 1, online: 2, postal: 3 };
const PROCEDURES = ['1.001612', '1.004227', '2.000908', '1.010736', '2.002154', '1.003347', '1.000894', '2.001023'];

/**
 * Public services / one-stop (DVC-like), with field names close to the 766 index's data
 * (MaHoSo, MaTTHC, KenhNop, NgayTiepNhan, NgayHenTra, NgayKetQua, ...): dossiers received
 * online (any hour) or at the desk (office hours), resolved on time or late, some paid online;
 * the procedure catalogue by service level; citizen complaints (PAKN).
 */
export function generateDvc(seed: string, days: number[]): SimResource[] {
  const dossiers: SimEntity[] = [];
  const catalog: SimEntity[] = [];
  const feedback: SimEntity[] = [];
  /** Per unit, the day its catalogue was first listed. */
  const firstListed = new Map<string, number>();
  /** Per unit, the [from, to) spans during which a dossier was unfinished past its appointment. */
  const overdueSpans = new Map<string, [number, number][]>();
  for (const day of days) {
    for (const unit of oneStopUnits(day)) {
      const random = new SeededRandom(`${seed}:dvc:${unit.code}:${day}`);
      const count = isWorkingDay(day) ? random.int(3, 8) : random.int(0, 2);
      for (let n = 0; n < count; n += 1) {
        const channel: Channel = !isWorkingDay(day) ? 'online' : random.chance(0.6) ? 'online' : random.chance(0.9) ? 'direct' : 'postal';
        const receivedAt = channel === 'online' ? timeBetween(day, 6, 23, random) : officeTime(day, random);
        const appointmentAt = dayStart(addWorkingDays(day, random.int(1, 6))) + 17 * HOUR_MS;
        const late = random.chance(0.1);
        const workedUntil = Math.max(
          officeTime(addWorkingDays(day, late ? random.int(7, 9) : random.int(0, 1)), random),
          receivedAt + 30 * MINUTE_MS,
        );
        const feeBearing = random.chance(0.4);
        const paidOnline = channel === 'online' ? random.chance(0.8) : random.chance(0.1);
        const paidAt = receivedAt + random.int(5, 90) * MINUTE_MS;
        const supplement = random.chance(0.08);
        const procedure = random.pick(PROCEDURES);
        // HinhThucNhanKetQua: the citizen chose to get the result electronically (mostly online filers).
        const electronicResult = channel === 'online' ? random.chance(0.85) : random.chance(0.1);
        // Time the dossier waited for the citizen's supplement (paused clock), which also delays the result.
        const supplementWaitMs = supplement ? random.int(1, 3) * 24 * HOUR_MS : 0;
        const resolvedAt = workedUntil + supplementWaitMs;
        // Late as of an instant once past the appointment (extended by the supplement wait) while still unfinished.
        const dueAt = appointmentAt + supplementWaitMs;
        if (resolvedAt > dueAt) (overdueSpans.get(unit.code) ?? overdueSpans.set(unit.code, []).get(unit.code)!).push([dueAt, resolvedAt]);
        const id = `${unit.code}-${day}-${String(n).padStart(4, '0')}`;
        const entity: SimEntity = {
          id,
          stages: feeBearing ? [receivedAt, paidAt, resolvedAt] : [receivedAt, resolvedAt],
          view: (now, updatedAt) => {
            const [received, ...later] = entity.stages;
            const resolved = later.at(-1)!;
            const paid = feeBearing ? later[0]! : undefined;
            return {
              MaHoSo: `H51.${id}`,
              MaTTHC: procedure,
              MaDonVi: unit.code,
              TenDonVi: unit.name,
              KenhNop: KENH_NOP[channel],
              NgayTiepNhan: toLocalIso(received!),
              NgayHenTra: toLocalIso(appointmentAt),
              NgayKetQua: resolved <= now ? toLocalIso(resolved) : null,
              TrangThaiHoSo: resolved <= now ? 'DA_TRA_KET_QUA' : supplement ? 'YEU_CAU_BO_SUNG' : 'DANG_XU_LY',
              CoPhiLePhi: feeBearing,
              HinhThucThanhToan: feeBearing && paid! <= now ? (paidOnline ? 'TRUC_TUYEN' : 'TRUC_TIEP') : null,
              NgayThanhToan: feeBearing && paid! <= now ? toLocalIso(paid!) : null,
              YeuCauBoSung: supplement,
              HinhThucNhanKetQua: electronicResult ? 'TRUC_TUYEN' : 'TRUC_TIEP',
              ThoiGianChoBoSungPhut: supplement ? supplementWaitMs / MINUTE_MS : 0,
              updatedAt,
            };
          },
          facts: (now) => {
            const [received, ...later] = entity.stages;
            const resolved = later.at(-1)!;
            const facts: TruthFact[] = [];
            if (received! <= now) facts.push(fact('dossier.received', unit.code, received!, { channel, electronicResult }));
            if (feeBearing && later[0]! <= now)
              facts.push(fact('dossier.paid', unit.code, later[0]!, { channel: paidOnline ? 'online' : 'direct' }));
            // On time per QĐ 766: finished by the appointment, the time waiting for a supplement excluded.
            if (resolved <= now)
              facts.push(fact('dossier.resolved', unit.code, resolved, { onTime: resolved - supplementWaitMs <= appointmentAt }));
            return facts;
          },
        };
        dossiers.push(entity);
      }

      catalog.push(...catalogListings(seed, unit.code, day, days[0]!, firstListed));

      if (count > 0 && random.chance(0.25)) {
        // A complaint about one of the day's dossiers (MaHoSo), sent in the evening after it was filed.
        const about = `H51.${unit.code}-${day}-${String(random.int(0, count - 1)).padStart(4, '0')}`;
        const complaint: SimEntity = {
          id: `PAKN-${unit.code}-${day}`,
          stages: [timeBetween(day, 22, 23, random)],
          view: (_now, updatedAt) => ({
            id: complaint.id,
            MaDonVi: unit.code,
            MaHoSo: about,
            LoaiPhanAnh: 'KHIEU_NAI',
            NgayGui: toLocalIso(complaint.stages[0]!),
            updatedAt,
          }),
          facts: (now) => (complaint.stages[0]! <= now ? [fact('dossier.complained', unit.code, complaint.stages[0]!, {})] : []),
        };
        feedback.push(complaint);
      }
    }
  }
  return [
    { name: 'dossiers', entities: uniqueStages(dossiers) },
    { name: 'overdue-backlog', entities: uniqueStages(overdueBacklog(overdueSpans)) },
    { name: 'procedure-catalog', entities: uniqueStages(catalog) },
    { name: 'feedback', entities: uniqueStages(feedback) },
  ];
}

/** Commune-level procedures, the same codes at every commune; a department's own procedures are its own. */
const LOCAL_PROCEDURES = [...PROCEDURES, ...Array.from({ length: 16 }, (_, i) => `1.00${4100 + i * 7}`)];
const proceduresOf = (unitCode: string): string[] =>
  unitCode.startsWith('51-')
    ? Array.from({ length: 10 }, (_, i) => `2.${unitCode.slice(3)}.${String(i + 1).padStart(3, '0')}`)
    : LOCAL_PROCEDURES;

/**
 * The day (offset from `firstDay`) a procedure becomes fully online province-wide (the province
 * publishes its list of DVC toàn trình per procedure), or null when it never does: most from
 * the start, some later, a few not at all. Depends on the code only, so every day's data agrees.
 */
function fullyOnlineFrom(seed: string, code: string): number | null {
  const random = new SeededRandom(`${seed}:dvc:procedure:${code}`);
  return random.chance(0.7) ? 0 : random.chance(0.5) ? random.int(1, 20) : null;
}

/**
 * A unit's catalogue (danh mục TTHC): one record per procedure at 07:00 on the first day the unit
 * is simulated (`start` for most), and a new one the day a procedure becomes fully online.
 */
function catalogListings(seed: string, unitCode: string, day: number, start: number, firstListed: Map<string, number>): SimEntity[] {
  const listedOn = firstListed.get(unitCode) ?? firstListed.set(unitCode, day).get(unitCode)!;
  const listings: SimEntity[] = [];
  for (const code of proceduresOf(unitCode)) {
    const from = fullyOnlineFrom(seed, code);
    const upgradedOn = from === null ? null : start + from;
    if (day !== listedOn && day !== upgradedOn) continue;
    const fullyOnline = upgradedOn !== null && upgradedOn <= day;
    const listing: SimEntity = {
      id: `DM-${unitCode}-${code}-${day}`,
      stages: [dayStart(day) + 7 * HOUR_MS],
      view: (_now, updatedAt) => ({
        id: listing.id,
        MaDonVi: unitCode,
        MaTTHC: code,
        Ngay: toLocalIso(listing.stages[0]!),
        DuDieuKien: true,
        MucDo: fullyOnline ? 'TOAN_TRINH' : 'MOT_PHAN',
        updatedAt,
      }),
      facts: (now) =>
        listing.stages[0]! <= now
          ? [gauge('procedure.listed', unitCode, listing.stages[0]!, { eligible: 1, fullyOnline: fullyOnline ? 1 : 0 }, { code })]
          : [],
    };
    listings.push(listing);
  }
  return listings;
}

/**
 * The one-stop system's count of dossiers unfinished past their appointment (hồ sơ quá hạn chưa
 * giải quyết), as a new record each time it changes per unit: the backlog as of any instant.
 */
function overdueBacklog(spans: Map<string, [number, number][]>): SimEntity[] {
  const records: SimEntity[] = [];
  for (const [unitCode, list] of spans) {
    const changes = [...new Set(list.flat())].sort((a, b) => a - b);
    for (const at of changes) {
      const count = list.filter(([from, to]) => from <= at && at < to).length;
      const record: SimEntity = {
        id: `TON-${unitCode}-${at}`,
        stages: [at],
        view: (_now, updatedAt) => ({
          id: record.id,
          MaDonVi: unitCode,
          ThoiDiem: toLocalIso(record.stages[0]!),
          SoHoSoQuaHanChuaGiaiQuyet: count,
          updatedAt,
        }),
        facts: (now) => (record.stages[0]! <= now ? [gauge('dossiers.overdue_open', unitCode, record.stages[0]!, { count })] : []),
      };
      records.push(record);
    }
  }
  return records;
}
