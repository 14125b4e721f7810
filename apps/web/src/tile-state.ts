import type { DashboardTile, IndicatorUpdate } from '@ioc/contracts';

/** live: connected and recent; stale: connected but old data (or none); offline: the connection is down. */
export type Freshness = 'live' | 'stale' | 'offline';
export type Tone = 'good' | 'warn' | 'bad' | 'neutral' | 'none';

/** Age of a value: since its as-of time, or since the stalest source behind it if that is older. */
export function ageSeconds(update: IndicatorUpdate, now: number): number {
  const sinceAsOf = (now - Date.parse(update.asOf)) / 1000;
  const sourceLag = Math.max(0, ...update.freshness.map((source) => source.lagSeconds ?? 0));
  return Math.max(sinceAsOf, sourceLag);
}

/** Whether a source behind the value is reported DOWN by the connectors (its next values will not come). */
export function hasDownSource(update: IndicatorUpdate | undefined, downSources: ReadonlySet<string>): boolean {
  return !!update && update.freshness.some((source) => downSources.has(source.sourceId));
}

export function freshnessOf(update: IndicatorUpdate | undefined, connected: boolean, now: number, staleAfterS: number, downSources: ReadonlySet<string> = new Set()): Freshness {
  if (!connected) return 'offline';
  if (!update || ageSeconds(update, now) > staleAfterS || hasDownSource(update, downSources)) return 'stale';
  return 'live';
}

/** Colour of a tile: the aggregator's target status, else the dashboard's thresholds. */
export function toneOf(update: IndicatorUpdate | undefined, tile: DashboardTile): Tone {
  if (!update || update.value === null || update.status === 'no_data') return 'none';
  switch (update.status) {
    case 'met':
    case 'on_track':
      return 'good';
    case 'at_risk':
      return 'warn';
    case 'missed':
      return 'bad';
    default:
      if (!tile.thresholds) return 'neutral';
      return update.value >= tile.thresholds.good ? 'good' : update.value >= tile.thresholds.warn ? 'warn' : 'bad';
  }
}

const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

export function formatValue(value: number | null | undefined): string {
  return value === null || value === undefined ? 'N/A' : numberFormat.format(value);
}

export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} giây trước`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} phút trước`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} giờ trước`;
  return `${Math.round(seconds / 86_400)} ngày trước`;
}

/** Whether `next` is newer than what the tile holds: a new epoch replaces everything, else sequence numbers order. */
export function isNewer(next: IndicatorUpdate, held: IndicatorUpdate | undefined): boolean {
  return !held || next.epoch !== held.epoch || next.seq > held.seq;
}
