import type { NormalizedEvent } from '@ioc/contracts';

/** A unit events can be reported for, with what it is (facilities report health or school figures). */
export interface MixUnit {
  code: string;
  kind: string;
  name: string;
}

export interface EventMixOptions {
  units: MixUnit[];
  count: number;
  /** Events occur uniformly in [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  seed: number;
  sourceId: string;
  /** Prefix of idempotency keys, so separate runs never collide. */
  keyPrefix: string;
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same events. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ISO instant with the +07:00 offset, as connectors of the province emit them. */
export const localIso = (ms: number): string => new Date(ms + 7 * 3600_000).toISOString().replace('Z', '+07:00');

/**
 * A realistic mix of the event kinds the seeded catalog expects: mostly document and dossier
 * facts at administrative units, gauges now and then, health figures at hospitals, attendance
 * at schools.
 */
export function eventMix(options: EventMixOptions): NormalizedEvent[] {
  const rand = random(options.seed);
  const pick = <T>(list: readonly [T, ...T[]] | T[]): T => list[Math.floor(rand() * list.length)]!;
  const schools = options.units.filter((u) => u.kind === 'FACILITY' && u.name.startsWith('Trường'));
  const hospitals = options.units.filter((u) => u.kind === 'FACILITY' && !u.name.startsWith('Trường'));
  const offices = options.units.filter((u) => u.kind !== 'FACILITY');
  const events: NormalizedEvent[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const occurredAt = localIso(Math.floor(options.fromMs + rand() * (options.toMs - options.fromMs)));
    const r = rand();
    let unit: MixUnit;
    let kind: string;
    let kindClass: NormalizedEvent['kindClass'] = 'fact';
    let values: Record<string, number> = {};
    let attributes: NormalizedEvent['attributes'] = {};
    if (r < 0.3) {
      unit = pick(offices);
      kind = 'document.processed';
      attributes = { onNetwork: rand() < 0.8, onTime: rand() < 0.9 };
    } else if (r < 0.4) {
      unit = pick(offices);
      kind = 'document.issued';
      attributes = { signed: rand() < 0.85 };
    } else if (r < 0.55) {
      unit = pick(offices);
      kind = 'dossier.received';
      attributes = { channel: rand() < 0.6 ? 'online' : 'direct', electronicResult: rand() < 0.7 };
    } else if (r < 0.68) {
      unit = pick(offices);
      kind = 'dossier.resolved';
      attributes = { onTime: rand() < 0.93 };
    } else if (r < 0.74) {
      unit = pick(offices);
      kind = 'dossier.paid';
      attributes = { channel: rand() < 0.5 ? 'online' : 'counter' };
    } else if (r < 0.75) {
      unit = pick(offices);
      kind = 'dossier.complained';
    } else if (r < 0.76) {
      unit = pick(offices);
      kind = 'dossiers.overdue_open';
      kindClass = 'gauge';
      values = { count: Math.floor(rand() * 6) };
    } else if (r < 0.78) {
      unit = pick(offices);
      kind = 'documents.overdue';
      kindClass = 'gauge';
      values = { count: Math.floor(rand() * 40) };
    } else if (r < 0.8) {
      unit = pick(offices);
      // One procedure of the unit's catalogue (a few codes shared by many units), now and then withdrawn.
      kind = 'procedure.listed';
      kindClass = 'gauge';
      const eligible = rand() < 0.9 ? 1 : 0;
      attributes = { code: `1.00${100 + Math.floor(rand() * 40)}` };
      values = { eligible, fullyOnline: eligible === 1 && rand() < 0.7 ? 1 : 0 };
    } else if (r < 0.92) {
      unit = pick(hospitals);
      kind = 'visits.recorded';
      values = { count: 1 + Math.floor(rand() * 5) };
    } else if (r < 0.96) {
      unit = pick(hospitals);
      kind = 'beds.occupancy';
      kindClass = 'gauge';
      const beds = 100 + Math.floor(rand() * 900);
      values = { beds, occupied: Math.floor(beds * (0.5 + rand() * 0.6)) };
    } else {
      unit = pick(schools);
      kind = 'attendance.daily';
      kindClass = 'gauge';
      const enrolled = 300 + Math.floor(rand() * 1500);
      values = { enrolled, present: Math.floor(enrolled * (0.85 + rand() * 0.15)) };
    }
    events.push({
      idempotencyKey: `${options.keyPrefix}-${i}`,
      sourceId: options.sourceId,
      stream: kind.split('.', 1)[0]!,
      unitCode: unit.code,
      occurredAt,
      kind,
      kindClass,
      values,
      attributes,
    });
  }
  return events;
}
