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
  targets: { indicatorId: string; tier: string | null; value: number }[];
}

export async function loadWorld(prisma: PrismaClient): Promise<SeededWorld> {
  const units = await prisma.administrativeUnit.findMany({ include: { _count: { select: { children: true } } } });
  const definitions = await prisma.indicatorDefinition.findMany();
  const targets = await prisma.target.findMany();
  return {
    units: units.map((u) => ({ code: u.code, path: u.path, tier: u.tier, kind: u.kind, name: u.name, validTo: u.validTo, leaf: u._count.children === 0 })),
    definitions: definitions.map((d) => ({ id: d.id, formula: d.formula as unknown as Formula, window: d.window as unknown as IndicatorWindow })),
    targets: targets.map((t) => ({ indicatorId: t.indicatorId, tier: t.tier, value: Number(t.value) })),
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
  }
}

/** Distinct events by idempotency key (a replay carries the same event). */
export const distinct = (events: NormalizedEvent[]): NormalizedEvent[] => [...new Map(events.map((e) => [e.idempotencyKey, e])).values()];

export function expectedValue(
  world: SeededWorld,
  definition: SeededWorld['definitions'][number],
  unitCode: string,
  events: NormalizedEvent[],
  now: Date,
  receivedAt: Date,
): ExpectedValue {
  const path = world.units.find((u) => u.code === unitCode)!.path;
  const subtree = new Set(world.units.filter((u) => u.path.startsWith(path)).map((u) => u.code));
  const mine = events.filter((e) => subtree.has(e.unitCode));
  const formula = definition.formula;
  if (formula.op === 'freshness') {
    const value = mine.length === 0 ? null : Math.max(0, Math.floor((now.getTime() - receivedAt.getTime()) / 1000));
    return { value, numerator: null, denominator: null };
  }
  const windowed = mine.filter((e) => inWindow(definition.window, new Date(e.occurredAt), now));
  const matching = (term: Term) =>
    windowed.filter((e) => e.kind === term.filter.kind && Object.entries(term.filter.where ?? {}).every(([k, v]) => (e.attributes[k] ?? null) === v));
  const termValue = (term: Term): { amount: number; present: boolean } => {
    const hits = matching(term);
    if (term.op === 'count') return { amount: hits.length, present: hits.length > 0 };
    if (term.op === 'sum') return { amount: hits.reduce((a, e) => a + e.values[term.field], 0), present: hits.length > 0 };
    const newest = new Map<string, NormalizedEvent>();
    for (const e of hits) {
      const current = newest.get(e.unitCode);
      const t = Date.parse(e.occurredAt);
      const tc = current ? Date.parse(current.occurredAt) : -Infinity;
      if (!current || t > tc || (t === tc && e.idempotencyKey > current.idempotencyKey)) newest.set(e.unitCode, e);
    }
    return { amount: [...newest.values()].reduce((a, e) => a + e.values[term.field], 0), present: newest.size > 0 };
  };
  const total = (terms: Term[]) => terms.map(termValue).reduce((a, t) => ({ amount: a.amount + t.amount, present: a.present || t.present }), { amount: 0, present: false });
  if (formula.op === 'ratio' || formula.op === 'average') {
    const [num, den] =
      formula.op === 'ratio'
        ? [total(formula.numerator).amount, total(formula.denominator).amount]
        : [total([{ op: 'sum', filter: formula.filter, field: formula.field }]).amount, total([{ op: 'count', filter: formula.filter }]).amount];
    const scale = formula.op === 'ratio' ? formula.scale : 1;
    const share = den === 0 ? null : (num * scale) / den;
    const value = share === null ? null : formula.op === 'ratio' && formula.complement ? scale - share : share;
    return { value, numerator: num, denominator: den };
  }
  const { amount, present } = total([formula]);
  const value = formula.op === 'latest' && !present ? null : amount;
  return { value, numerator: value, denominator: null };
}

/** Status against the tier's target (the seeded targets' deadline, 2025-12-31, has passed). */
export function expectedStatus(world: SeededWorld, indicatorId: string, tier: string, value: number | null): string {
  if (value === null) return 'no_data';
  const target = world.targets.find((t) => t.indicatorId === indicatorId && t.tier === tier);
  if (!target) return 'no_target';
  return value >= target.value ? 'met' : 'missed';
}
