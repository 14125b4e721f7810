import { compileLabelPattern, UnsafePatternError } from './patterns';
import { isWithin } from './scope';

/** Alertmanager-style matcher over an alert's labels (ruleId, ruleName, kind, severity, indicatorId, unitCode, unitPath, sourceId). */
export interface SilenceMatcher {
  name: string;
  value: string;
  /** Value is a regular expression matched against the whole label. */
  isRegex?: boolean;
  /** false = the label must NOT match. Default true. */
  isEqual?: boolean;
}

export interface SilenceWindow {
  id: string;
  matchers: SilenceMatcher[];
  /** Unit path of the silence's owner: it mutes only alerts of units inside this subtree. */
  scopePath: string;
  startsAt: Date;
  endsAt: Date;
}

export type AlertLabels = Record<string, string>;

function matches(matcher: SilenceMatcher, labels: AlertLabels): boolean {
  const label = labels[matcher.name] ?? '';
  const hit = matcher.isRegex ? compileLabelPattern(matcher.value).test(label) : label === matcher.value;
  return matcher.isEqual === false ? !hit : hit;
}

export const MAX_MATCHERS = 20;

/** Throws when a stored silence's matchers are unusable (so it is reported, not silently ignored); regexes must compile on RE2. */
export function parseMatchers(raw: unknown): SilenceMatcher[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error('matchers must be a non-empty list');
  if (raw.length > MAX_MATCHERS) throw new Error(`at most ${MAX_MATCHERS} matchers, got ${raw.length}`);
  return raw.map((m, i) => {
    if (typeof m !== 'object' || m === null) throw new Error(`matchers[${i}] must be an object`);
    const { name, value, isRegex, isEqual } = m as Record<string, unknown>;
    if (typeof name !== 'string' || typeof value !== 'string') throw new Error(`matchers[${i}] needs string name and value`);
    if (isRegex) {
      try {
        compileLabelPattern(value);
      } catch (error) {
        if (error instanceof UnsafePatternError) throw new Error(`matchers[${i}].value: ${error.message}`);
        throw error;
      }
    }
    return { name, value, isRegex: isRegex === true, isEqual: isEqual !== false };
  });
}

/**
 * The silence that mutes these labels at `now`, if any: active window, the alert's unit inside the
 * silence's scope (whatever its matchers say), and every matcher matching.
 */
export function findSilence(labels: AlertLabels, silences: SilenceWindow[], now: Date): SilenceWindow | undefined {
  const t = now.getTime();
  const unitPath = labels.unitPath ?? '';
  return silences.find(
    (s) =>
      s.startsAt.getTime() <= t && t < s.endsAt.getTime() && isWithin(unitPath, s.scopePath) && s.matchers.every((m) => matches(m, labels)),
  );
}
