/** BullMQ repeat options for a source schedule: "every:<ms>" or "cron:<pattern>". */
export type RepeatSchedule = { every: number } | { pattern: string };

export function parseSchedule(schedule: string): RepeatSchedule {
  const [kind, ...rest] = schedule.split(':');
  const value = rest.join(':').trim();
  if (kind === 'every' && /^\d+$/.test(value) && Number(value) >= 1000) return { every: Number(value) };
  if (kind === 'cron' && value.split(/\s+/).length >= 5) return { pattern: value };
  throw new Error(`schedule "${schedule}" must be "every:<milliseconds ≥ 1000>" or "cron:<5- or 6-field pattern>"`);
}
