import { fact, gauge, uniqueStages, type SimEntity, type SimResource } from './entity';
import { SeededRandom } from './random';
import { ON_NETWORK_RATE, officeUnits } from './units';
import { HOUR_MS, MINUTE_MS, addWorkingDays, dayStart, isWorkingDay, officeTime, toLocalIso } from './working-day';

interface Document {
  entity: SimEntity;
  unitCode: string;
  direction: 'incoming' | 'outgoing';
  dueAt: number;
  /** Index in entity.stages of the processing (incoming) — absent while still in progress forever. */
  processed: boolean;
}

/**
 * Document management and operations (iOffice-like): incoming documents processed on the
 * network or on paper, on time or late; outgoing documents issued, digitally signed or not;
 * an hourly snapshot of overdue documents per unit during office hours.
 */
export function generateIOffice(seed: string, days: number[]): SimResource[] {
  const documents: Document[] = [];
  for (const day of days) {
    if (!isWorkingDay(day)) continue;
    for (const unit of officeUnits(day)) {
      const random = new SeededRandom(`${seed}:ioffice:${unit.code}:${day}`);
      const incoming = random.int(2, 7);
      const outgoing = random.int(1, 3);
      for (let n = 0; n < incoming + outgoing; n += 1) {
        const direction = n < incoming ? 'incoming' : 'outgoing';
        const id = `VB-${unit.code}-${day}-${n}`;
        const createdAt = officeTime(day, random);
        const dueAt = dayStart(addWorkingDays(day, random.int(2, 7))) + 17 * HOUR_MS;
        const onNetwork = random.chance(ON_NETWORK_RATE[unit.tier]);
        const signed = random.chance(onNetwork ? 0.9 : 0.3);
        const late = random.chance(0.12);
        const processingDays = late ? random.int(8, 12) : random.int(0, 2);
        const processedAt = officeTime(addWorkingDays(day, processingDays), random);
        const processed = direction === 'incoming' ? processedAt > createdAt : false;
        const document: Document = {
          unitCode: unit.code,
          direction,
          dueAt,
          processed,
          entity: {
            id,
            stages: processed ? [createdAt, processedAt] : [createdAt],
            view: (now, updatedAt) => {
              const done = document.processed && document.entity.stages[1]! <= now;
              return {
                id,
                soKyHieu: `${n + 1}/${direction === 'incoming' ? 'VBĐ' : 'VBĐi'}-${unit.code}`,
                loaiVanBan: direction === 'incoming' ? 'den' : 'di',
                maDonVi: unit.code,
                tenDonVi: unit.name,
                ngayTao: toLocalIso(document.entity.stages[0]!),
                hanXuLy: toLocalIso(dueAt),
                trangThai: direction === 'outgoing' ? 'da_ban_hanh' : done ? 'da_xu_ly' : 'dang_xu_ly',
                ngayXuLy: done ? toLocalIso(document.entity.stages[1]!) : null,
                xuLyTrenMang: onNetwork,
                kySo: direction === 'outgoing' ? signed : null,
                updatedAt,
              };
            },
            facts: (now) => {
              const [created, processedStage] = document.entity.stages;
              if (direction === 'outgoing') {
                return created! <= now ? [fact('document.issued', unit.code, created!, { signed })] : [];
              }
              if (!document.processed || processedStage! > now) return [];
              return [fact('document.processed', unit.code, processedStage!, { onNetwork, onTime: processedStage! <= dueAt })];
            },
          },
        };
        documents.push(document);
      }
    }
  }
  uniqueStages(documents.map((d) => d.entity));

  const snapshots: SimEntity[] = [];
  for (const day of days) {
    if (!isWorkingDay(day)) continue;
    for (let hour = 8; hour <= 17; hour += 1) {
      const takenAt = dayStart(day) + hour * HOUR_MS + 5 * MINUTE_MS;
      for (const unit of officeUnits(day)) {
        const overdue = (): number =>
          documents.filter(
            (d) =>
              d.unitCode === unit.code &&
              d.direction === 'incoming' &&
              d.dueAt < takenAt &&
              d.entity.stages[0]! <= takenAt &&
              !(d.processed && d.entity.stages[1]! <= takenAt),
          ).length;
        const entity: SimEntity = {
          id: `QH-${unit.code}-${day}-${hour}`,
          stages: [takenAt],
          view: (_now, updatedAt) => ({
            id: entity.id,
            maDonVi: unit.code,
            thoiDiem: toLocalIso(entity.stages[0]!),
            soVanBanQuaHan: overdue(),
            updatedAt,
          }),
          facts: (now) =>
            entity.stages[0]! <= now ? [gauge('documents.overdue', unit.code, entity.stages[0]!, { count: overdue() })] : [],
        };
        snapshots.push(entity);
      }
    }
  }
  uniqueStages(snapshots);
  return [
    { name: 'documents', entities: documents.map((d) => d.entity) },
    { name: 'overdue-snapshots', entities: snapshots },
  ];
}
