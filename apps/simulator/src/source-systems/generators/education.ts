import { gauge, uniqueStages, type SimEntity, type SimResource } from './entity';
import { SeededRandom } from './random';
import { schools } from './units';
import { HOUR_MS, MINUTE_MS, dayStart, isWorkingDay, localDate, toLocalIso } from './working-day';

/**
 * Education information system: per school and school day, enrolment and attendance taken at
 * 08:30, with digital school records (học bạ số) and cashless tuition figures.
 */
export function generateEducation(seed: string, days: number[]): SimResource[] {
  const rolls: SimEntity[] = [];
  for (const day of days) {
    for (const school of schools(day)) {
      const enrolled = 600 + (school.code.charCodeAt(school.code.length - 1) % 10) * 80;
      if (!isWorkingDay(day)) continue;
      const random = new SeededRandom(`${seed}:education:${school.code}:${day}`);
      const present = enrolled - random.int(5, Math.round(enrolled * 0.06));
      const digitalRecords = Math.round(enrolled * 0.9);
      const cashless = Math.round(enrolled * (0.55 + random.next() * 0.1));
      const roll: SimEntity = {
        id: `DD-${school.code}-${day}`,
        stages: [dayStart(day) + 8 * HOUR_MS + 30 * MINUTE_MS],
        view: (_now, updatedAt) => ({
          id: roll.id,
          maTruong: school.code,
          tenTruong: school.name,
          ngay: localDate(day),
          thoiDiemDiemDanh: toLocalIso(roll.stages[0]!),
          siSo: enrolled,
          coMat: present,
          hocBaSo: digitalRecords,
          thanhToanKhongTienMat: cashless,
          updatedAt,
        }),
        facts: (now) =>
          roll.stages[0]! <= now
            ? [
                gauge('attendance.daily', school.code, roll.stages[0]!, { present, enrolled }),
                gauge('school_records.digital', school.code, roll.stages[0]!, { digital: digitalRecords, enrolled }),
                gauge('tuition.cashless', school.code, roll.stages[0]!, { cashless, enrolled }),
              ]
            : [],
      };
      rolls.push(roll);
    }
  }
  return [{ name: 'attendance', entities: uniqueStages(rolls) }];
}
