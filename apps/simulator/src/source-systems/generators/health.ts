import { gauge, uniqueStages, type SimEntity, type SimResource } from './entity';
import { SeededRandom } from './random';
import { healthFacilities } from './units';
import { HOUR_MS, activityAt, dayStart, toLocalIso } from './working-day';

/**
 * Health information system: an hourly report per facility (visits in the hour, inpatients
 * against staffed beds, emergencies, notifiable-disease cases, electronic health records opened).
 */
export function generateHealth(seed: string, days: number[]): SimResource[] {
  const reports: SimEntity[] = [];
  for (const day of days) {
    for (const facility of healthFacilities(day)) {
      const beds = facility.code.startsWith('51-') ? 600 : 150;
      const random = new SeededRandom(`${seed}:health:${facility.code}:${day}`);
      let inpatients = Math.round(beds * (0.75 + random.next() * 0.2));
      for (let hour = 0; hour < 24; hour += 1) {
        const endsAt = dayStart(day) + (hour + 1) * HOUR_MS;
        const visits = Math.round((beds / 6) * activityAt(endsAt - 1) * (0.8 + random.next() * 0.4));
        inpatients = Math.max(0, Math.min(Math.round(beds * 1.1), inpatients + random.int(-6, 6)));
        const occupied = inpatients;
        const emergencies = random.int(0, 4);
        const notifiable = random.chance(0.1) ? 1 : 0;
        const records = Math.round(visits * 0.85);
        const report: SimEntity = {
          id: `BC-${facility.code}-${day}-${hour}`,
          stages: [endsAt],
          view: (_now, updatedAt) => ({
            id: report.id,
            maCoSo: facility.code,
            tenCoSo: facility.name,
            gioKetThuc: toLocalIso(report.stages[0]!),
            luotKham: visits,
            benhNhanNoiTru: occupied,
            giuongKeHoach: beds,
            capCuu: emergencies,
            benhTruyenNhiem: notifiable,
            hoSoSucKhoeDienTu: records,
            updatedAt,
          }),
          facts: (now) =>
            report.stages[0]! <= now
              ? [
                  { ...gauge('visits.recorded', facility.code, report.stages[0]!, { count: visits }), kindClass: 'fact' },
                  gauge('beds.occupancy', facility.code, report.stages[0]!, { occupied, beds }),
                  { ...gauge('emergencies.recorded', facility.code, report.stages[0]!, { count: emergencies }), kindClass: 'fact' },
                  { ...gauge('diseases.notified', facility.code, report.stages[0]!, { count: notifiable }), kindClass: 'fact' },
                  { ...gauge('health_records.opened', facility.code, report.stages[0]!, { count: records }), kindClass: 'fact' },
                ]
              : [],
        };
        reports.push(report);
      }
    }
  }
  return [{ name: 'facility-reports', entities: uniqueStages(reports) }];
}
