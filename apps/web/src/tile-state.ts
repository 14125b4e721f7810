import type { DashboardTile, IndicatorUpdate } from '@ioc/contracts';

/** live: connected and recent; stale: connected but old data (or none); offline: the connection is down. */
export type Freshness = 'live' | 'stale' | 'offline';
export type Tone = 'good' | 'warn' | 'bad' | 'neutral' | 'none';

/** Source id → when the connectors last read it successfully (ms), from their health reports. */
export type SourceReads = ReadonlyMap<string, number>;

/**
 * Seconds since each source behind the value was last read successfully: the later of its last
 * delivery (in the value) and its last successful read (health reports). Without either, its lag at
 * the as-of time plus the time since.
 */
function sourceAges(update: IndicatorUpdate, now: number, reads: SourceReads): number[] {
  return update.freshness.map((source) => {
    const delivered = source.lastSuccessAt ? Date.parse(source.lastSuccessAt) : Number.NEGATIVE_INFINITY;
    const last = Math.max(delivered, reads.get(source.sourceId) ?? Number.NEGATIVE_INFINITY);
    if (last === Number.NEGATIVE_INFINITY) return (source.lagSeconds ?? 0) + (now - Date.parse(update.asOf)) / 1000;
    return Math.max(0, (now - last) / 1000);
  });
}

/**
 * Age of a value: how long ago the stalest source behind it was read successfully — not how long
 * the value has stayed the same (an unchanged value from healthy sources is live). 0 without sources.
 */
export function ageSeconds(update: IndicatorUpdate, now: number, reads: SourceReads = new Map()): number {
  return Math.max(0, ...sourceAges(update, now, reads));
}

/** The value to show: a source-freshness value counts on from the freshest read; anything else as sent. */
export function shownValue(update: IndicatorUpdate, now: number, reads: SourceReads = new Map()): number | null {
  if (!update.ageSeconds || update.value === null) return update.value;
  const ages = sourceAges(update, now, reads);
  return ages.length === 0 ? update.value + Math.max(0, (now - Date.parse(update.asOf)) / 1000) : Math.floor(Math.min(...ages));
}

/** Whether a source behind the value is reported DOWN by the connectors (its next values will not come). */
export function hasDownSource(update: IndicatorUpdate | undefined, downSources: ReadonlySet<string>): boolean {
  return !!update && update.freshness.some((source) => downSources.has(source.sourceId));
}

export function freshnessOf(
  update: IndicatorUpdate | undefined,
  connected: boolean,
  now: number,
  staleAfterS: number,
  downSources: ReadonlySet<string> = new Set(),
  reads: SourceReads = new Map(),
): Freshness {
  if (!connected) return 'offline';
  if (!update || ageSeconds(update, now, reads) > staleAfterS || hasDownSource(update, downSources)) return 'stale';
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
