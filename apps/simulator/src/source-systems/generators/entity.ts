import { toLocalIso } from './working-day';

/** One thing a source system holds (a document, a dossier, an hourly report) as it changes over time. */
export interface SimEntity {
  id: string;
  /** Instants at which the record changes (ascending); the record exists from the first. */
  stages: number[];
  /** The record as the source system serves it at `now` (only called when stages[0] ≤ now). */
  view(now: number, updatedAt: string): Record<string, unknown>;
  /** What happened by `now`, in the event vocabulary of the indicator catalog (the ground truth). */
  facts(now: number): TruthFact[];
}

export interface TruthFact {
  kind: string;
  kindClass: 'fact' | 'gauge';
  unitCode: string;
  occurredAt: string;
  values: Record<string, number>;
  attributes: Record<string, string | number | boolean | null>;
}

export interface SimResource {
  /** Path segment, e.g. "documents". */
  name: string;
  entities: SimEntity[];
}

/**
 * Makes every stage instant of a resource unique (bumping collisions by 1 ms), so a strict
 * `updatedSince` cursor never skips a record that shares a timestamp with the last one read.
 */
export function uniqueStages(entities: SimEntity[]): SimEntity[] {
  const used = new Set<number>();
  for (const entity of entities) {
    entity.stages = entity.stages.map((stage) => {
      let ms = stage;
      while (used.has(ms)) ms += 1;
      used.add(ms);
      return ms;
    });
  }
  return entities;
}

/** The latest stage reached by `now`, or undefined when the record does not exist yet. */
export const updatedAtMs = (entity: SimEntity, now: number): number | undefined => {
  let latest: number | undefined;
  for (const stage of entity.stages) if (stage <= now && (latest === undefined || stage > latest)) latest = stage;
  return latest;
};

/** A counted fact ({ count: 1 }) at an instant. */
export function fact(kind: string, unitCode: string, at: number, attributes: TruthFact['attributes']): TruthFact {
  return { kind, kindClass: 'fact', unitCode, occurredAt: toLocalIso(at), values: { count: 1 }, attributes };
}

/** A gauge reading at an instant. */
export function gauge(
  kind: string,
  unitCode: string,
  at: number,
  values: Record<string, number>,
  attributes: TruthFact['attributes'] = {},
): TruthFact {
  return { kind, kindClass: 'gauge', unitCode, occurredAt: toLocalIso(at), values, attributes };
}
