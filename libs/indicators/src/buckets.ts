import type { IndicatorWindow } from '@ioc/contracts';
import {
  localDay,
  localMinute,
  localMonth,
  localYear,
  rollingMinutes,
  startOfLocalDay,
  startOfLocalMonth,
  startOfLocalYear,
} from './local-time';
import type { Granularity } from './terms';

/** Bucket name of an instant at a granularity: "d:2026-11-23", "m:2026-11", "y:2026", "n:2026-11-23T07:05". */
export function bucketOf(granularity: Granularity, at: Date | number): string {
  switch (granularity) {
    case 'minute':
      return `n:${localMinute(at)}`;
    case 'day':
      return `d:${localDay(at)}`;
    case 'month':
      return `m:${localMonth(at)}`;
    case 'year':
      return `y:${localYear(at)}`;
    case 'all':
      return ALL_TIME_BUCKET;
  }
}

/** The one bucket of the "all" granularity. */
export const ALL_TIME_BUCKET = 'a:';

/** The buckets a window reads at `now`: one calendar bucket, or the minutes of a rolling window. */
export function bucketsOfWindow(window: IndicatorWindow, now: Date | number): string[] {
  switch (window.type) {
    case 'today':
      return [bucketOf('day', now)];
    case 'month_to_date':
      return [bucketOf('month', now)];
    case 'year_to_date':
      return [bucketOf('year', now)];
    case 'rolling':
      return rollingMinutes(now, window.minutes).map((minute) => `n:${minute}`);
    case 'standing':
      return [ALL_TIME_BUCKET];
  }
}

/** First instant a window covers when read at `now`. */
export function windowStart(window: IndicatorWindow, now: Date): Date {
  switch (window.type) {
    case 'today':
      return startOfLocalDay(now);
    case 'month_to_date':
      return startOfLocalMonth(now);
    case 'year_to_date':
      return startOfLocalYear(now);
    case 'rolling':
      return new Date(now.getTime() - window.minutes * 60_000);
    case 'standing':
      return new Date(0);
  }
}
