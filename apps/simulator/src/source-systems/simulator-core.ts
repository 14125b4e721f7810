import { updatedAtMs, type SimResource, type TruthFact } from './generators/entity';
import { generateDvc } from './generators/dvc';
import { generateEducation } from './generators/education';
import { generateHealth } from './generators/health';
import { generateIOffice } from './generators/ioffice';
import { localDay, toLocalIso } from './generators/working-day';

/** The four simulated source systems, by the path segment they are served under. */
export const SYSTEMS = {
  ioffice: generateIOffice,
  dvc: generateDvc,
  his: generateHealth,
  edu: generateEducation,
} as const;
export type SystemName = keyof typeof SYSTEMS;
export const isSystemName = (name: string): name is SystemName => Object.hasOwn(SYSTEMS, name);

export interface FaultRates {
  /** Share of requests answered HTTP 500. */
  errorRate: number;
  /** Share of requests answered HTTP 429 with Retry-After. */
  rateLimitRate: number;
  retryAfterSeconds: number;
  /** Share of requests answered after slowMs. */
  slowRate: number;
  slowMs: number;
}

export const NO_FAULTS: FaultRates = { errorRate: 0, rateLimitRate: 0, retryAfterSeconds: 1, slowRate: 0, slowMs: 0 };

export interface SimulatorOptions {
  seed: string;
  /** Days of history before today (local days, today included). */
  historyDays: number;
  /** Fixed instant for deterministic tests; the real clock otherwise. */
  now?: () => Date;
  token: string;
  maxPageSize: number;
  faults: FaultRates;
}

export type Fault = { kind: 'error' } | { kind: 'rate-limit'; retryAfterSeconds: number } | { kind: 'slow'; ms: number };

export interface Page {
  data: Record<string, unknown>[];
  page: number;
  pageSize: number;
  total: number;
  hasMore: boolean;
}

export interface GroundTruth {
  system: SystemName;
  asOf: string;
  facts: TruthFact[];
  /** Per event kind: number of events and the sum of each value. */
  totals: Record<string, { events: number; sums: Record<string, number> }>;
}

export class UnknownResourceError extends Error {}

/**
 * The simulators' state and behaviour without HTTP, so tests can use it in-process: data
 * generated deterministically from the seed for each local day, served as it stands at `now`,
 * plus injected raw records and switchable faults per system.
 */
export class SimulatorCore {
  private readonly firstDay: number;
  private generated = new Map<SystemName, { lastDay: number; resources: SimResource[] }>();
  private readonly injected = new Map<string, Record<string, unknown>[]>();
  private readonly faults = new Map<SystemName, FaultRates>();

  constructor(readonly options: SimulatorOptions) {
    this.firstDay = localDay(this.now()) - options.historyDays + 1;
  }

  now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  setFaults(system: SystemName, faults: Partial<FaultRates>): void {
    this.faults.set(system, { ...this.faultsOf(system), ...faults });
  }

  faultsOf(system: SystemName): FaultRates {
    return this.faults.get(system) ?? this.options.faults;
  }

  /** Draws the fault (if any) for one request. */
  decideFault(system: SystemName): Fault | null {
    const rates = this.faultsOf(system);
    if (Math.random() < rates.errorRate) return { kind: 'error' };
    if (Math.random() < rates.rateLimitRate) return { kind: 'rate-limit', retryAfterSeconds: rates.retryAfterSeconds };
    if (Math.random() < rates.slowRate) return { kind: 'slow', ms: rates.slowMs };
    return null;
  }

  /** Adds raw records (served as they are, e.g. malformed ones) to a resource; each needs `updatedAt`. */
  inject(system: SystemName, resource: string, records: Record<string, unknown>[]): void {
    this.resource(system, resource);
    const key = `${system}/${resource}`;
    this.injected.set(key, [...(this.injected.get(key) ?? []), ...records]);
  }

  resourceNames(system: SystemName): string[] {
    return this.resources(system).map((r) => r.name);
  }

  /** Records changed after `updatedSince` (strictly), oldest change first, one page of them. */
  list(system: SystemName, resource: string, query: { updatedSince?: number; page: number; pageSize: number }): Page {
    const now = this.now();
    const since = query.updatedSince ?? Number.NEGATIVE_INFINITY;
    const rows: { at: number; id: string; record: () => Record<string, unknown> }[] = [];
    for (const entity of this.resource(system, resource).entities) {
      const at = updatedAtMs(entity, now);
      if (at !== undefined && at > since) rows.push({ at, id: entity.id, record: () => entity.view(now, toLocalIso(at)) });
    }
    for (const raw of this.injected.get(`${system}/${resource}`) ?? []) {
      const at = Date.parse(String(raw.updatedAt));
      if (at <= now && at > since) rows.push({ at, id: String(raw.id ?? ''), record: () => raw });
    }
    rows.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    const pageSize = Math.min(query.pageSize, this.options.maxPageSize);
    const start = (query.page - 1) * pageSize;
    return {
      data: rows.slice(start, start + pageSize).map((row) => row.record()),
      page: query.page,
      pageSize,
      total: rows.length,
      hasMore: start + pageSize < rows.length,
    };
  }

  /** Every fact and gauge reading the system holds at `now`, in the catalog's event vocabulary. */
  groundTruth(system: SystemName): GroundTruth {
    const now = this.now();
    const facts = this.resources(system).flatMap((resource) => resource.entities.flatMap((entity) => entity.facts(now)));
    const totals: GroundTruth['totals'] = {};
    for (const fact of facts) {
      const total = (totals[fact.kind] ??= { events: 0, sums: {} });
      total.events += 1;
      for (const [field, value] of Object.entries(fact.values)) total.sums[field] = (total.sums[field] ?? 0) + value;
    }
    return { system, asOf: toLocalIso(now), facts, totals };
  }

  private resource(system: SystemName, name: string): SimResource {
    const resource = this.resources(system).find((r) => r.name === name);
    if (!resource) throw new UnknownResourceError(`${system} has no resource "${name}" (it has: ${this.resourceNames(system).join(', ')})`);
    return resource;
  }

  /** Generated once per local day: a new day extends the data, earlier days stay identical. */
  private resources(system: SystemName): SimResource[] {
    const lastDay = localDay(this.now());
    const cached = this.generated.get(system);
    if (cached && cached.lastDay === lastDay) return cached.resources;
    const days = Array.from({ length: lastDay - this.firstDay + 1 }, (_, i) => this.firstDay + i);
    const resources = SYSTEMS[system](this.options.seed, days);
    this.generated.set(system, { lastDay, resources });
    return resources;
  }
}
