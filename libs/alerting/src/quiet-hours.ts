/** users.quiet_hours: local (Asia/Ho_Chi_Minh) "HH:MM" bounds; may wrap midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

/** Vietnam keeps UTC+7 all year (no daylight saving). */
const LOCAL_OFFSET_MINUTES = 7 * 60;

const minutesOf = (hhmm: string): number | null => {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
};

/** True when `now` falls in the user's quiet hours; malformed or absent settings mean never quiet. */
export function inQuietHours(raw: unknown, now: Date): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const { start, end } = raw as Partial<QuietHours>;
  const from = typeof start === 'string' ? minutesOf(start) : null;
  const to = typeof end === 'string' ? minutesOf(end) : null;
  if (from === null || to === null || from === to) return false;
  const local = (now.getUTCHours() * 60 + now.getUTCMinutes() + LOCAL_OFFSET_MINUTES) % (24 * 60);
  return from < to ? local >= from && local < to : local >= from || local < to;
}
