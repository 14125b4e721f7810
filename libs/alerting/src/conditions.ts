import type { IndicatorUpdate, SourceHealthStatus } from '@ioc/contracts';
import type { RuleSpec } from './types';

export interface Sample {
  /** Epoch milliseconds. */
  at: number;
  value: number;
}

export interface ConditionResult {
  breached: boolean;
  value: number | null;
  threshold: number | null;
}

const CLEAR = (value: number | null, threshold: number | null): ConditionResult => ({ breached: false, value, threshold });

/**
 * Keeps the samples a rule needs: those inside the window plus the newest one before it (the
 * baseline a rate of change compares against).
 */
export function appendSample(history: Sample[], sample: Sample, windowSeconds: number): Sample[] {
  const all = [...history.filter((s) => s.at < sample.at), sample];
  const from = sample.at - windowSeconds * 1000;
  const firstInside = all.findIndex((s) => s.at >= from);
  return all.slice(Math.max(0, firstInside - 1));
}

/** Least-squares slope (value per millisecond) of the samples; null with fewer than two distinct times. */
function slope(samples: Sample[]): number | null {
  if (samples.length < 2) return null;
  const n = samples.length;
  const meanT = samples.reduce((a, s) => a + s.at, 0) / n;
  const meanV = samples.reduce((a, s) => a + s.value, 0) / n;
  const cov = samples.reduce((a, s) => a + (s.at - meanT) * (s.value - meanV), 0);
  const varT = samples.reduce((a, s) => a + (s.at - meanT) ** 2, 0);
  return varT === 0 ? null : cov / varT;
}

/**
 * Whether an indicator value breaches the rule. A null value (N/A: no data or zero denominator)
 * never breaches: missing data is the STALE_SOURCE rule's business.
 */
export function evaluateIndicator(rule: RuleSpec, update: IndicatorUpdate, history: Sample[], now: Date): ConditionResult {
  const value = update.value;
  const params = rule.params;
  if (value === null) return CLEAR(null, null);
  switch (params.kind) {
    case 'THRESHOLD_BELOW':
      return { breached: value < params.threshold, value, threshold: params.threshold };
    case 'THRESHOLD_ABOVE':
      return { breached: value > params.threshold, value, threshold: params.threshold };
    case 'BELOW_TARGET':
      return update.target === null ? CLEAR(value, null) : { breached: value < update.target, value, threshold: update.target };
    case 'RATE_OF_CHANGE': {
      const from = now.getTime() - params.windowSeconds * 1000;
      const baseline = [...history].reverse().find((s) => s.at <= from) ?? history[0];
      if (!baseline) return CLEAR(value, params.maxChange);
      return { breached: Math.abs(value - baseline.value) >= params.maxChange, value, threshold: params.maxChange };
    }
    case 'PROJECTED_MISS': {
      const target = params.target ?? update.target;
      if (target === null) return CLEAR(value, null);
      const from = now.getTime() - params.windowSeconds * 1000;
      const perMs = slope(history.filter((s) => s.at >= from));
      if (perMs === null) return CLEAR(value, target);
      const projected = value + perMs * (Date.parse(params.deadline) - now.getTime());
      return { breached: value < target && projected < target, value, threshold: target };
    }
    default:
      return CLEAR(value, null);
  }
}

export interface SourceState {
  sourceId: string;
  status: SourceHealthStatus;
  lastSuccessAt: string | null;
}

/** Whether a source breaches a STALE_SOURCE or CONNECTOR_DOWN rule; the value is the data's age in seconds. */
export function evaluateSource(rule: RuleSpec, source: SourceState, now: Date): ConditionResult {
  const params = rule.params;
  const ageSeconds = source.lastSuccessAt === null ? null : Math.max(0, (now.getTime() - Date.parse(source.lastSuccessAt)) / 1000);
  switch (params.kind) {
    case 'CONNECTOR_DOWN':
      return { breached: source.status === 'DOWN', value: ageSeconds, threshold: null };
    case 'STALE_SOURCE':
      return { breached: ageSeconds === null || ageSeconds >= params.maxAgeSeconds, value: ageSeconds, threshold: params.maxAgeSeconds };
    default:
      return CLEAR(ageSeconds, null);
  }
}

/** Seconds of history a rule keeps. */
export function historySeconds(rule: RuleSpec): number {
  const params = rule.params;
  return params.kind === 'RATE_OF_CHANGE' || params.kind === 'PROJECTED_MISS' ? params.windowSeconds : 0;
}
