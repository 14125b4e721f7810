import { createHash } from 'node:crypto';
import type { EventFilter, Formula, IndicatorWindow, NormalizedEvent, Term } from '@ioc/contracts';

/** Granularity of a stored counter bucket; windows read one bucket (or several minutes). "all" never resets. */
export type Granularity = 'minute' | 'day' | 'month' | 'year' | 'all';

/**
 * A term the state keeps: additive ("add": count or sum of a field, summed over events) or a
 * gauge ("latest": the newest reading per reporting unit). Average formulas become a sum and a count.
 */
export interface TermSpec {
  id: string;
  kind: 'add' | 'latest';
  filter: EventFilter;
  /** Field of event.values; absent for a count (each event adds 1). */
  field?: string;
  /** A gauge kept per reporting unit and value of this attribute, read as the count of values with a positive reading. */
  distinct?: string;
  granularities: Granularity[];
}

const canonical = (value: unknown): string =>
  value === null || typeof value !== 'object'
    ? JSON.stringify(value ?? null)
    : Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : `{${Object.keys(value as object)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
          .join(',')}}`;

/** Stable short id of a term: equal terms in different indicators share one counter. */
export function termId(kind: TermSpec['kind'], filter: EventFilter, field?: string, distinct?: string): string {
  const where = filter.where && Object.keys(filter.where).length > 0 ? filter.where : undefined;
  return createHash('sha1')
    .update(canonical({ kind, event: filter.kind, where, field: field ?? null, ...(distinct ? { distinct } : {}) }))
    .digest('hex')
    .slice(0, 12);
}

export const granularityOf = (window: IndicatorWindow): Granularity =>
  window.type === 'today'
    ? 'day'
    : window.type === 'month_to_date'
      ? 'month'
      : window.type === 'year_to_date'
        ? 'year'
        : window.type === 'standing'
          ? 'all'
          : 'minute';

export interface FormulaTerms {
  numerator: TermSpec[];
  denominator: TermSpec[];
  /** Of a count: every event of its kind since ever, whatever its attributes; says whether a unit has that source at all. */
  presence?: TermSpec[];
}

/** A term as the state keeps it; its first granularity is the one the formula reads. */
function fromTerm(term: Term, granularity: Granularity): TermSpec {
  const kind = term.op === 'latest' ? 'latest' : 'add';
  const field = term.op === 'count' ? undefined : term.field;
  const reads = term.op === 'latest' && term.standing ? 'all' : granularity;
  const distinct = term.op === 'latest' ? term.distinct : undefined;
  return {
    id: termId(kind, term.filter, field, distinct),
    kind,
    filter: term.filter,
    field,
    ...(distinct ? { distinct } : {}),
    granularities: [reads],
  };
}

/**
 * The shares a formula is made of, each a numerator and a denominator (a plain term has no
 * denominator; a score has one share per part it subtracts).
 */
export function formulaParts(formula: Formula, window: IndicatorWindow): FormulaTerms[] {
  const granularity = granularityOf(window);
  const terms = (list: Term[]): TermSpec[] => list.map((term) => fromTerm(term, granularity));
  switch (formula.op) {
    case 'count':
    case 'sum': {
      // The kind is also counted since ever, so a count can tell "0 now" from "this unit has no such source" (N/A).
      const kindSinceEver: TermSpec = { ...fromTerm({ op: 'count', filter: { kind: formula.filter.kind } }, 'all') };
      return [{ numerator: [fromTerm(formula, granularity)], denominator: [], presence: [kindSinceEver] }];
    }
    case 'latest':
      return [{ numerator: [fromTerm(formula, granularity)], denominator: [] }];
    case 'ratio':
      return [{ numerator: terms(formula.numerator), denominator: terms(formula.denominator) }];
    case 'average':
      return [
        {
          numerator: terms([{ op: 'sum', filter: formula.filter, field: formula.field }]),
          denominator: terms([{ op: 'count', filter: formula.filter }]),
        },
      ];
    case 'score':
      return formula.minus.map((part) => ({ numerator: terms(part.numerator), denominator: terms(part.denominator) }));
    case 'index':
      return formula.groups.flatMap((group) => group.items.flatMap((item) => formulaParts(item.formula, window)));
    case 'freshness':
      return [];
  }
}

/** The terms of a formula, split into numerator and denominator (a plain term has no denominator). */
export function formulaTerms(formula: Formula, window: IndicatorWindow): FormulaTerms {
  const parts = formulaParts(formula, window);
  return { numerator: parts.flatMap((p) => p.numerator), denominator: parts.flatMap((p) => [...p.denominator, ...(p.presence ?? [])]) };
}

/** Every distinct term the definitions need, each with the granularities its windows read. */
export function collectTerms(definitions: { formula: Formula; window: IndicatorWindow }[]): TermSpec[] {
  return mergeTerms(
    definitions.flatMap((definition) => {
      const { numerator, denominator } = formulaTerms(definition.formula, definition.window);
      return [...numerator, ...denominator];
    }),
  );
}

/** Each term once (a formula may use one in several places: an event must count once), with every granularity asked of it. */
export function mergeTerms(terms: readonly TermSpec[]): TermSpec[] {
  const byId = new Map<string, TermSpec>();
  for (const term of terms) {
    const known = byId.get(term.id);
    if (!known) byId.set(term.id, { ...term, granularities: [...term.granularities] });
    else for (const g of term.granularities) if (!known.granularities.includes(g)) known.granularities.push(g);
  }
  return [...byId.values()];
}

const whereEntries = new WeakMap<EventFilter, [string, unknown][]>();

export function matchesFilter(filter: EventFilter, event: Pick<NormalizedEvent, 'kind' | 'attributes'>): boolean {
  if (filter.kind !== event.kind) return false;
  // Runs for every term of every event: the filter's entries are listed once per filter object.
  let entries = whereEntries.get(filter);
  if (!entries) whereEntries.set(filter, (entries = Object.entries(filter.where ?? {})));
  for (const [key, expected] of entries) {
    if ((event.attributes[key] ?? null) !== expected) return false;
  }
  return true;
}
