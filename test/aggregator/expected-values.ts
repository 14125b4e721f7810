import type { Formula, IndicatorWindow, NormalizedEvent, Term } from '@ioc/contracts';
import type { PrismaClient } from '@ioc/persistence';

/**
 * An independent, brute-force calculation of every indicator from a test's own events: for
 * each unit, filter the events of its subtree (by materialised path) and window (local dates
 * via Intl, not the aggregator's fixed offset) and apply the formula directly.
 */
export interface ExpectedValue {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export interface SeededWorld {
  units: { code: string; path: string; tier: string; kind: string; name: string; validTo: Date | null; leaf: boolean }[];
  definitions: { id: string; formula: Formula; window: IndicatorWindow }[];
  targets: { indicatorId: string; appliesTo: string; tier: string | null; unitCode: string | null; comparator: string; value: number }[];
}

export async function loadWorld(prisma: PrismaClient): Promise<SeededWorld> {
  const units = await prisma.administrativeUnit.findMany({ include: { _count: { select: { children: true } } } });
  const definitions = await prisma.indicatorDefinition.findMany();
  const targets = await prisma.target.findMany({ include: { unit: true } });
  return {
    units: units.map((u) => ({
      code: u.code,
      path: u.path,
      tier: u.tier,
      kind: u.kind,
      name: u.name,
      validTo: u.validTo,
      leaf: u._count.children === 0,
    })),
    definitions: definitions.map((d) => ({
      id: d.id,
      formula: d.formula as unknown as Formula,
      window: d.window as unknown as IndicatorWindow,
    })),
    targets: targets.map((t) => ({
      indicatorId: t.indicatorId,
      appliesTo: t.appliesTo,
      tier: t.tier,
      unitCode: t.unit?.code ?? null,
      comparator: t.comparator,
      value: Number(t.value),
    })),
  };
}

const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' });
const local = (at: Date): string => localDate.format(at);

function inWindow(window: IndicatorWindow, occurredAt: Date, now: Date): boolean {
  const [event, today] = [local(occurredAt), local(now)];
  switch (window.type) {
    case 'today':
      return event === today;
    case 'month_to_date':
      return event.slice(0, 7) === today.slice(0, 7);
    case 'year_to_date':
      return event.slice(0, 4) === today.slice(0, 4);
    case 'rolling':
      return occurredAt.getTime() > now.getTime() - window.minutes * 60_000 && occurredAt <= now;
    case 'standing':
      return true;
  }
}

/** A reading to 9 decimals: index points are fractions the oracle sums in another order. */
export const nine = (value: number | null): number | null => (value === null ? null : Math.round(value * 1e9) / 1e9);

/** Distinct events by idempotency key (a replay carries the same event). */
export const distinct = (events: NormalizedEvent[]): NormalizedEvent[] => [...new Map(events.map((e) => [e.idempotencyKey, e])).values()];

/** Over which records: the unit's subtree (by materialised path), or its own records only. */
export type Over = 'subtree' | 'own';

export function expectedValue(
  world: SeededWorld,
  definition: SeededWorld['definitions'][number],
  unitCode: string,
  events: NormalizedEvent[],
  now: Date,
  receivedAt: Date,
  over: Over = 'subtree',
): ExpectedValue {
  const path = world.units.find((u) => u.code === unitCode)!.path;
  const codes = over === 'own' ? [unitCode] : world.units.filter((u) => u.path.startsWith(path)).map((u) => u.code);
  return expectedOver(definition, codes, events, now, receivedAt);
}

/** The indicator over the records of exactly these units (a subtree, one unit's own, a level's agencies together). */
export function expectedOver(
  definition: SeededWorld['definitions'][number],
  codes: string[],
  events: NormalizedEvent[],
  now: Date,
  receivedAt: Date,
): ExpectedValue {
  const units = new Set(codes);
  const mine = events.filter((e) => units.has(e.unitCode));
  const formula = definition.formula;
  if (formula.op === 'freshness') {
    const value = mine.length === 0 ? null : Math.max(0, Math.floor((now.getTime() - receivedAt.getTime()) / 1000));
    return { value, numerator: null, denominator: null };
  }
  if (formula.op === 'index') {
    // Points per group: weight / (items with data) for each item, times its value over its threshold (at most 1).
    let points = 0;
    let possible = 0;
    for (const group of formula.groups) {
      const values = group.items
        .map((item) => ({
          fullAt: item.fullAt,
          value: expectedOver({ ...definition, formula: item.formula }, codes, events, now, receivedAt).value,
        }))
        .filter((item): item is { fullAt: number; value: number } => item.value !== null);
      if (values.length === 0) continue;
      for (const item of values) points += (group.weight / values.length) * Math.min(item.value / item.fullAt, 1);
      possible += group.weight;
    }
    return possible === 0
      ? { value: null, numerator: null, denominator: null }
      : { value: (100 * points) / possible, numerator: points, denominator: possible };
  }
  const windowed = mine.filter((e) => inWindow(definition.window, new Date(e.occurredAt), now));
  const matching = (term: Term) =>
    (term.op === 'latest' && term.standing ? mine : windowed).filter(
      (e) => e.kind === term.filter.kind && Object.entries(term.filter.where ?? {}).every(([k, v]) => (e.attributes[k] ?? null) === v),
    );
  const termValue = (term: Term): { amount: number; present: boolean } => {
    const hits = matching(term);
    if (term.op === 'count') return { amount: hits.length, present: hits.length > 0 };
    if (term.op === 'sum') return { amount: hits.reduce((a, e) => a + (e.values[term.field] ?? 0), 0), present: hits.length > 0 };
    // The newest reading per unit, or per unit and value of the distinct attribute (a procedure code).
    const readingKey = (e: NormalizedEvent) => (term.distinct ? JSON.stringify([e.unitCode, e.attributes[term.distinct]]) : e.unitCode);
    const newest = new Map<string, NormalizedEvent>();
    for (const e of hits) {
      if (term.distinct && (e.attributes[term.distinct] ?? null) === null) continue;
      const current = newest.get(readingKey(e));
      const t = Date.parse(e.occurredAt);
      const tc = current ? Date.parse(current.occurredAt) : -Infinity;
      if (!current || t > tc || (t === tc && e.idempotencyKey > current.idempotencyKey)) newest.set(readingKey(e), e);
    }
    if (term.distinct) {
      // Each value once, however many units read it positive.
      const positive = new Set(
        [...newest.values()].filter((e) => (e.values[term.field] ?? 0) > 0).map((e) => String(e.attributes[term.distinct!])),
      );
      return { amount: positive.size, present: newest.size > 0 };
    }
    return { amount: [...newest.values()].reduce((a, e) => a + (e.values[term.field] ?? 0), 0), present: newest.size > 0 };
  };
  const total = (terms: Term[]) =>
    terms
      .map(termValue)
      .reduce((a, t) => ({ amount: a.amount + t.amount, present: a.present || t.present }), { amount: 0, present: false });
  if (formula.op === 'score') {
    const shares = formula.minus.map((part): [number, number] => [total(part.numerator).amount, total(part.denominator).amount]);
    if (shares.some(([, den]) => den === 0)) return { value: null, numerator: null, denominator: null };
    const value = Math.max(0, formula.scale - shares.reduce((a, [num, den]) => a + (num / den) * formula.scale, 0));
    return { value, numerator: null, denominator: null };
  }
  if (formula.op === 'ratio' || formula.op === 'average') {
    const [num, den] =
      formula.op === 'ratio'
        ? [total(formula.numerator).amount, total(formula.denominator).amount]
        : [
            total([{ op: 'sum', filter: formula.filter, field: formula.field }]).amount,
            total([{ op: 'count', filter: formula.filter }]).amount,
          ];
    const scale = formula.op === 'ratio' ? formula.scale : 1;
    const share = den === 0 ? null : (num * scale) / den;
    const value = share === null ? null : formula.op === 'ratio' && formula.complement ? scale - share : share;
    return { value, numerator: num, denominator: den };
  }
  const { amount, present } = total([formula]);
  // A count is N/A only where the units never received that kind at all (no such source), else 0 or more.
  const everReported = mine.some((e) => e.kind === formula.filter.kind);
  const value = (formula.op === 'latest' ? present : everReported) ? amount : null;
  return { value, numerator: value, denominator: null };
}

const satisfies = (value: number, target: { comparator: string; value: number }): boolean =>
  target.comparator === 'GT'
    ? value > target.value
    : target.comparator === 'GTE'
      ? value >= target.value
      : target.comparator === 'LT'
        ? value < target.value
        : value <= target.value;

/**
 * Status of one (indicator, unit) stream as the seeded targets mean it (their 2025-12-31
 * deadline has passed, so met or missed): a unit target on the unit's subtree or own records; a
 * per-unit level target on the unit's own records; a level aggregate, on the top unit of the tier,
 * over the own records of every unit of the tier together.
 */
export function expectedStatus(
  world: SeededWorld,
  indicatorId: string,
  unitCode: string,
  events: NormalizedEvent[],
  now: Date,
  receivedAt: Date,
): string {
  const definition = world.definitions.find((d) => d.id === indicatorId)!;
  const unit = world.units.find((u) => u.code === unitCode)!;
  const parentPath = unit.path.slice(0, unit.path.slice(0, -1).lastIndexOf('/') + 1);
  const parent = world.units.find((u) => u.path === parentPath);
  const forIndicator = world.targets.filter((t) => t.indicatorId === indicatorId);
  const target =
    forIndicator.find((t) => t.unitCode === unitCode) ??
    forIndicator.find((t) => t.appliesTo === 'LEVEL_EACH' && t.tier === unit.tier) ??
    (parent?.tier !== unit.tier ? forIndicator.find((t) => t.appliesTo === 'LEVEL_AGGREGATE' && t.tier === unit.tier) : undefined);
  const subtree = expectedValue(world, definition, unitCode, events, now, receivedAt).value;
  if (!target) return subtree === null ? 'no_data' : 'no_target';
  const judged =
    target.appliesTo === 'UNIT_SUBTREE'
      ? subtree
      : target.appliesTo === 'LEVEL_AGGREGATE'
        ? expectedOver(
            definition,
            world.units.filter((u) => u.tier === target.tier && u.validTo === null).map((u) => u.code),
            events,
            now,
            receivedAt,
          ).value
        : expectedValue(world, definition, unitCode, events, now, receivedAt, 'own').value;
  if (judged === null) return 'no_data';
  return satisfies(judged, target) ? 'met' : 'missed';
}

/** Whether a seeded target is met, read as the resolution means it (see expectedStatus). */
export function expectedTargetMet(
  world: SeededWorld,
  target: SeededWorld['targets'][number],
  events: NormalizedEvent[],
  now: Date,
): { met: boolean; value: number | null } {
  const definition = world.definitions.find((d) => d.id === target.indicatorId)!;
  const tierUnits = world.units.filter((u) => u.tier === target.tier && u.validTo === null).map((u) => u.code);
  if (target.appliesTo === 'LEVEL_AGGREGATE') {
    const { value } = expectedOver(definition, tierUnits, events, now, now);
    return { met: value !== null && satisfies(value, target), value };
  }
  if (target.appliesTo === 'LEVEL_EACH') {
    const values = tierUnits.map((code) => expectedOver(definition, [code], events, now, now).value).filter((v): v is number => v !== null);
    return { met: values.length > 0 && values.every((v) => satisfies(v, target)), value: values.length > 0 ? Math.min(...values) : null };
  }
  const { value } = expectedValue(
    world,
    definition,
    target.unitCode!,
    events,
    now,
    now,
    target.appliesTo === 'UNIT_OWN' ? 'own' : 'subtree',
  );
  return { met: value !== null && satisfies(value, target), value };
}
