import type { HistoryResolution } from '@ioc/contracts';
import { startOfLocalDay } from './local-time';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface HistoryBucket {
  resolution: HistoryResolution;
  start: Date;
  /** The instant its value is taken at: the bucket's last millisecond, or `now` for the bucket still running. */
  asOf: Date;
}

/** Start of the bucket holding `at`: UTC minutes and hours, local (UTC+7) days, as the live snapshots write them. */
export function bucketStart(resolution: HistoryResolution, at: Date | number): Date {
  const ms = typeof at === 'number' ? at : at.getTime();
  if (resolution === 'MINUTE') return new Date(Math.floor(ms / MINUTE_MS) * MINUTE_MS);
  if (resolution === 'HOUR') return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
  return startOfLocalDay(ms);
}

const SIZE_MS: Record<HistoryResolution, number> = { MINUTE: MINUTE_MS, HOUR: HOUR_MS, DAY: DAY_MS };

/**
 * History buckets a recompute of [from, to) rewrites: every bucket of each resolution that starts in
 * the range and has begun by `now`, with the instant its value is taken at.
 */
export function historyBuckets(from: Date, to: Date, resolutions: readonly HistoryResolution[], now: Date): HistoryBucket[] {
  const buckets: HistoryBucket[] = [];
  const end = Math.min(to.getTime(), now.getTime() + 1);
  for (const resolution of resolutions) {
    let start = bucketStart(resolution, from).getTime();
    if (start < from.getTime()) start += SIZE_MS[resolution];
    for (; start < end; start += SIZE_MS[resolution]) {
      buckets.push({ resolution, start: new Date(start), asOf: new Date(Math.min(start + SIZE_MS[resolution] - 1, now.getTime())) });
    }
  }
  return buckets;
}
