/** PromQL words that are not metric names: aggregation and function names, keywords, modifiers. */
const NOT_METRICS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

/**
 * Metric names a PromQL expression reads: identifiers outside label matchers, ranges, strings and
 * grouping clauses, not followed by "(" (functions and aggregations are).
 */
export function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = stripped.slice(match.index + match[0].length).trimStart();
    if (after.startsWith('(') || NOT_METRICS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/**
 * Series names a Prometheus text exposition declares: each `# TYPE` metric, with the
 * _bucket/_sum/_count series of histograms and summaries.
 */
export function exposedNames(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const [, name = '', type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') ['_bucket', '_sum', '_count'].forEach((suffix) => names.add(name + suffix));
    if (type === 'summary') ['_sum', '_count'].forEach((suffix) => names.add(name + suffix));
  }
  return names;
}

/** Value of one sample (`name{labels}`, labels in any order) in a scrape; summed over series when `labels` is partial. */
export function sampleValue(scrape: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const [, series, rawLabels = '', value] of scrape.matchAll(/^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/gm)) {
    if (series !== name) continue;
    const present = Object.fromEntries([...rawLabels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, v]) => [key, v]));
    if (Object.entries(labels).every(([key, v]) => present[key] === v)) {
      total += Number(value);
      found = true;
    }
  }
  return found ? total : NaN;
}
