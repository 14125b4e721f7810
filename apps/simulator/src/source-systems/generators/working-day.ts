import type { SeededRandom } from './random';

/** Vietnam has one time zone, UTC+7, and no daylight saving. */
const OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3600_000;

/** Local (Asia/Ho_Chi_Minh) day number since 1970-01-01. */
export const localDay = (ms: number): number => Math.floor((ms + OFFSET_MS) / DAY_MS);
export const dayStart = (day: number): number => day * DAY_MS - OFFSET_MS;
/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekday = (day: number): number => (day + 4) % 7;
export const isWorkingDay = (day: number): boolean => weekday(day) >= 1 && weekday(day) <= 5;

/** ISO-8601 with the +07:00 offset, the way Vietnamese government systems write times. */
export const toLocalIso = (ms: number): string => new Date(ms + OFFSET_MS).toISOString().replace('Z', '+07:00');
export const localDate = (day: number): string => new Date(dayStart(day) + OFFSET_MS).toISOString().slice(0, 10);

/** Office hours: 07:30–11:30, lunch, 13:30–17:00 (minutes after local midnight). */
const OFFICE_WINDOWS: [number, number][] = [
  [7 * 60 + 30, 11 * 60 + 30],
  [13 * 60 + 30, 17 * 60],
];
const OFFICE_MINUTES = OFFICE_WINDOWS.reduce((sum, [from, to]) => sum + to - from, 0);

/** A random instant within the office hours of a day. */
export function officeTime(day: number, random: SeededRandom): number {
  let minute = random.next() * OFFICE_MINUTES;
  for (const [from, to] of OFFICE_WINDOWS) {
    if (minute < to - from) return dayStart(day) + Math.floor((from + minute) * MINUTE_MS);
    minute -= to - from;
  }
  return dayStart(day) + OFFICE_WINDOWS[1]![1] * MINUTE_MS - 1;
}

/** A random instant between two local hours of a day (e.g. online submissions 06–23). */
export const timeBetween = (day: number, fromHour: number, toHour: number, random: SeededRandom): number =>
  dayStart(day) + Math.floor((fromHour + random.next() * (toHour - fromHour)) * HOUR_MS);

/** The working day `count` working days after `day`. */
export function addWorkingDays(day: number, count: number): number {
  let result = day;
  let left = count;
  while (left > 0) {
    result += 1;
    if (isWorkingDay(result)) left -= 1;
  }
  return result;
}

/** How busy an office is at a local hour: shut at night, a dip at lunch, quiet at weekends. */
export function activityAt(ms: number): number {
  const day = localDay(ms);
  const hour = (ms - dayStart(day)) / HOUR_MS;
  const weekend = !isWorkingDay(day);
  if (hour < 6 || hour >= 22) return 0.15;
  if (hour >= 11.5 && hour < 13.5) return weekend ? 0.3 : 0.4;
  if (hour >= 7.5 && hour < 17) return weekend ? 0.45 : 1;
  return 0.35;
}
