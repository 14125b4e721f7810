/**
 * Local calendar of the province: Asia/Ho_Chi_Minh is UTC+7 all year (Vietnam has no DST),
 * so bucket boundaries are computed with a fixed offset instead of a time-zone database.
 */
export const LOCAL_OFFSET_MS = 7 * 3600_000;

const shifted = (at: Date | number): Date => new Date((typeof at === 'number' ? at : at.getTime()) + LOCAL_OFFSET_MS);

/** Local calendar day, e.g. "2026-11-23". */
export const localDay = (at: Date | number): string => shifted(at).toISOString().slice(0, 10);
/** Local calendar month, e.g. "2026-11". */
export const localMonth = (at: Date | number): string => shifted(at).toISOString().slice(0, 7);
/** Local calendar year, e.g. "2026". */
export const localYear = (at: Date | number): string => shifted(at).toISOString().slice(0, 4);
/** Local minute, e.g. "2026-11-23T07:05". */
export const localMinute = (at: Date | number): string => shifted(at).toISOString().slice(0, 16);

/** The instant of local midnight starting the day that contains `at`. */
export function startOfLocalDay(at: Date | number): Date {
  const local = shifted(at);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - LOCAL_OFFSET_MS);
}

/** The local minutes of the rolling window of `minutes` ending at `now` (including the current minute). */
export function rollingMinutes(now: Date | number, minutes: number): string[] {
  const end = typeof now === 'number' ? now : now.getTime();
  const result: string[] = [];
  for (let i = minutes - 1; i >= 0; i -= 1) result.push(localMinute(end - i * 60_000));
  return result;
}

/** Local midnight starting the month that contains `at`. */
export const startOfLocalMonth = (at: Date | number): Date => new Date(`${localMonth(at)}-01T00:00:00+07:00`);
/** Local midnight starting the year that contains `at`. */
export const startOfLocalYear = (at: Date | number): Date => new Date(`${localYear(at)}-01-01T00:00:00+07:00`);
