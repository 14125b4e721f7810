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
  startsAt: Date;
  endsAt: Date;
}

export type AlertLabels = Record<string, string>;

function matches(matcher: SilenceMatcher, labels: AlertLabels): boolean {
  const label = labels[matcher.name] ?? '';
  const hit = matcher.isRegex ? new RegExp(`^(?:${matcher.value})$`).test(label) : label === matcher.value;
  return matcher.isEqual === false ? !hit : hit;
}

/** Throws when a stored silence's matchers are unusable (so it is reported, not silently ignored). */
export function parseMatchers(raw: unknown): SilenceMatcher[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error('matchers must be a non-empty list');
  return raw.map((m, i) => {
    if (typeof m !== 'object' || m === null) throw new Error(`matchers[${i}] must be an object`);
    const { name, value, isRegex, isEqual } = m as Record<string, unknown>;
    if (typeof name !== 'string' || typeof value !== 'string') throw new Error(`matchers[${i}] needs string name and value`);
    if (isRegex) new RegExp(value);
    return { name, value, isRegex: isRegex === true, isEqual: isEqual !== false };
  });
}

/** The silence that mutes these labels at `now`, if any: active window and every matcher matching. */
export function findSilence(labels: AlertLabels, silences: SilenceWindow[], now: Date): SilenceWindow | undefined {
  const t = now.getTime();
  return silences.find((s) => s.startsAt.getTime() <= t && t < s.endsAt.getTime() && s.matchers.every((m) => matches(m, labels)));
}
