import type { UnitKind, UnitTier } from '../generated/prisma/enums';

/** How much of a former unit went into a new one (Resolution 1677 splits one commune, Trà Bùi, in two). */
export type SuccessionShare = 'full' | 'partial';

/** One row of a unit list, in the shape of the official administrative-unit list. */
export interface UnitListEntry {
  /** Key of the unit (see AdministrativeUnit.code): the official code, or "<code>@<last day>" when the list reused it. */
  code: string;
  /** The code in the national list when it differs from the key. */
  officialCode?: string;
  name: string;
  nameEn?: string;
  kind: UnitKind;
  /** Tier whose targets apply; derived from the kind (and the parent for agencies) when absent. */
  tier?: UnitTier;
  parent: string | null;
  /** ISO instant the unit came into force. */
  validFrom: string;
  /** ISO instant it ceased (exclusive), or null while in force. */
  validTo: string | null;
  /** Units this one took over: each ceases (validTo) while this one is in force, usually on its validFrom. */
  predecessors: { code: string; share: SuccessionShare }[];
  /** Where the code and the unit come from. */
  source: string;
}

export interface UnitList {
  list: string;
  sources: Record<string, string>;
  units: UnitListEntry[];
}

/** A unit ready to store: tier decided, successor decided, parents before children. */
export interface ResolvedUnit {
  code: string;
  officialCode: string | null;
  name: string;
  nameEn: string | null;
  kind: UnitKind;
  tier: UnitTier;
  parentCode: string | null;
  validFrom: Date;
  validTo: Date | null;
  /** The unit a ceased unit's history and principals go to: the first unit listing it as predecessor. */
  successorCode: string | null;
  source: string;
}

export class UnitListError extends Error {
  constructor(
    readonly origin: string,
    readonly problems: string[],
  ) {
    super(
      `${origin}: ${problems.length} problem(s) in the unit list:\n  ${problems.slice(0, 50).join('\n  ')}${problems.length > 50 ? `\n  ... and ${problems.length - 50} more` : ''}`,
    );
  }
}

const KINDS: readonly UnitKind[] = [
  'PROVINCE',
  'DEPARTMENT',
  'CITY',
  'TOWN',
  'DISTRICT',
  'WARD',
  'COMMUNE',
  'TOWNSHIP',
  'SPECIAL_ZONE',
  'FACILITY',
  'OTHER',
];
const TIERS: readonly UnitTier[] = ['PROVINCE', 'DISTRICT', 'COMMUNE'];
const TIER_OF_KIND: Partial<Record<UnitKind, UnitTier>> = {
  PROVINCE: 'PROVINCE',
  DEPARTMENT: 'PROVINCE',
  CITY: 'DISTRICT',
  TOWN: 'DISTRICT',
  DISTRICT: 'DISTRICT',
  WARD: 'COMMUNE',
  COMMUNE: 'COMMUNE',
  TOWNSHIP: 'COMMUNE',
  SPECIAL_ZONE: 'COMMUNE',
};
/** Keys become path segments ("/51/21025/") and stream keys: no slash, colon or space. */
const CODE = /^[0-9A-Za-z][0-9A-Za-z@._-]{0,31}$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInstant = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));

/**
 * Checks a unit list (parsed JSON) and resolves it into rows to store, parents first. Every
 * problem is reported with the unit's position and code, all at once.
 */
export function resolveUnitList(input: unknown, origin: string): { list: UnitList; units: ResolvedUnit[] } {
  const problems: string[] = [];
  if (!isRecord(input) || !Array.isArray(input.units)) throw new UnitListError(origin, ['expected an object with a "units" array']);
  if (typeof input.list !== 'string' || !isRecord(input.sources))
    problems.push('expected "list" (text) and "sources" (object naming the documents cited)');

  const entries: UnitListEntry[] = [];
  input.units.forEach((raw: unknown, index: number) => {
    const at = `units[${index}]${isRecord(raw) && typeof raw.code === 'string' ? ` (${raw.code})` : ''}`;
    if (!isRecord(raw)) return void problems.push(`${at}: expected an object`);
    const bad = (field: string, expected: string): void =>
      void problems.push(`${at}.${field}: expected ${expected}, got ${JSON.stringify(raw[field])}`);
    const before = problems.length;
    if (typeof raw.code !== 'string' || !CODE.test(raw.code)) bad('code', 'a code of letters, digits, "@", ".", "_" or "-" (at most 32)');
    if (raw.officialCode !== undefined && (typeof raw.officialCode !== 'string' || !CODE.test(raw.officialCode)))
      bad('officialCode', 'a code');
    if (typeof raw.name !== 'string' || raw.name.trim() === '' || raw.name.length > 255) bad('name', 'a name of 1-255 characters');
    if (raw.nameEn !== undefined && (typeof raw.nameEn !== 'string' || raw.nameEn.length > 255))
      bad('nameEn', 'a name of at most 255 characters');
    if (!KINDS.includes(raw.kind as UnitKind)) bad('kind', KINDS.join(' | '));
    if (raw.tier !== undefined && !TIERS.includes(raw.tier as UnitTier)) bad('tier', TIERS.join(' | '));
    if (raw.parent !== null && typeof raw.parent !== 'string') bad('parent', 'the code of a unit listed before it, or null');
    if (!isInstant(raw.validFrom)) bad('validFrom', 'an ISO date-time such as "2025-07-01T00:00:00+07:00"');
    if (raw.validTo !== null && !isInstant(raw.validTo)) bad('validTo', 'an ISO date-time, or null while the unit is in force');
    if (isInstant(raw.validFrom) && isInstant(raw.validTo) && Date.parse(raw.validTo) <= Date.parse(raw.validFrom))
      bad('validTo', 'an instant after validFrom');
    const predecessors = raw.predecessors;
    if (
      !Array.isArray(predecessors) ||
      !predecessors.every((p) => isRecord(p) && typeof p.code === 'string' && (p.share === 'full' || p.share === 'partial'))
    ) {
      bad('predecessors', 'an array of { code, share: "full" | "partial" }');
    }
    if (typeof raw.source !== 'string' || raw.source.trim() === '') bad('source', 'where the code comes from (document, list, clause)');
    if (problems.length === before) entries.push(raw as unknown as UnitListEntry);
  });

  const byCode = new Map<string, UnitListEntry>();
  const position = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (byCode.has(entry.code)) problems.push(`units (${entry.code}): listed twice`);
    byCode.set(entry.code, entry);
    position.set(entry.code, index);
  });
  const successorOf = new Map<string, string>();
  for (const entry of entries) {
    if (entry.parent !== null) {
      const parent = byCode.get(entry.parent);
      if (!parent) problems.push(`units (${entry.code}).parent: unknown unit ${entry.parent}`);
      else if (position.get(entry.parent)! > position.get(entry.code)!)
        problems.push(`units (${entry.code}).parent: ${entry.parent} must be listed before its children`);
      else if (
        Date.parse(entry.validFrom) < Date.parse(parent.validFrom) ||
        (parent.validTo !== null && (entry.validTo === null || Date.parse(entry.validTo) > Date.parse(parent.validTo)))
      ) {
        problems.push(`units (${entry.code}): in force outside its parent ${entry.parent}'s validity`);
      }
    }
    for (const predecessor of entry.predecessors) {
      const former = byCode.get(predecessor.code);
      if (!former) problems.push(`units (${entry.code}).predecessors: unknown unit ${predecessor.code}`);
      else if (
        former.validTo === null ||
        Date.parse(entry.validFrom) > Date.parse(former.validTo) ||
        (entry.validTo !== null && Date.parse(entry.validTo) <= Date.parse(former.validTo))
      ) {
        problems.push(
          `units (${entry.code}).predecessors: ${predecessor.code} must cease (validTo) while ${entry.code} is in force, to hand over to it`,
        );
      } else if (!successorOf.has(predecessor.code)) successorOf.set(predecessor.code, entry.code);
      else if (predecessor.share === 'full')
        problems.push(
          `units (${entry.code}).predecessors: ${predecessor.code} is already wholly in ${successorOf.get(predecessor.code)}; mark both shares "partial"`,
        );
    }
  }
  if (problems.length > 0) throw new UnitListError(origin, problems);

  const tierOf = (entry: UnitListEntry): UnitTier =>
    entry.tier ?? TIER_OF_KIND[entry.kind] ?? (entry.parent ? tierOf(byCode.get(entry.parent)!) : 'PROVINCE');
  const units = entries.map((entry): ResolvedUnit => ({
    code: entry.code,
    officialCode: entry.officialCode ?? (/^\d+$/.test(entry.code) ? entry.code : null),
    name: entry.name,
    nameEn: entry.nameEn ?? null,
    kind: entry.kind,
    tier: tierOf(entry),
    parentCode: entry.parent,
    validFrom: new Date(entry.validFrom),
    validTo: entry.validTo === null ? null : new Date(entry.validTo),
    successorCode: successorOf.get(entry.code) ?? null,
    source: entry.source,
  }));
  return { list: input as unknown as UnitList, units };
}
