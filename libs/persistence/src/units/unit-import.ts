import type { PrismaClient } from '../generated/prisma/client';
import { differs } from './compare';
import type { ResolvedUnit } from './unit-list';

export interface MovedPrincipal {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
  fromUnit: string;
  toUnit: string;
}

export interface UnitImportReport {
  created: number;
  updated: number;
  unchanged: number;
  /** Users and API keys scoped to a ceased unit, moved to its successor (each audited). */
  moved: MovedPrincipal[];
  /** Active principals scoped to a ceased unit without successor (e.g. an abolished district): left for an administrator. */
  orphaned: { kind: 'user' | 'api_key'; id: string; name: string; unit: string }[];
}

/** Stored unit rows by code, after an import. */
export type UnitIds = Map<string, { id: string; path: string; depth: number }>;

/**
 * Writes a resolved unit list: each unit looked up by code and written only when missing or
 * different (so importing the same list twice changes nothing), successors linked, then users and
 * API keys scoped to a unit that has ceased by `now` moved to its (final) successor, audited.
 */
export async function importUnits(
  prisma: PrismaClient,
  units: readonly ResolvedUnit[],
  now = new Date(),
): Promise<{ report: UnitImportReport; unitIds: UnitIds }> {
  const report: UnitImportReport = { created: 0, updated: 0, unchanged: 0, moved: [], orphaned: [] };
  const unitIds: UnitIds = new Map();
  const known = new Map((await prisma.administrativeUnit.findMany()).map((row) => [row.code, row]));
  for (const stored of known.values()) unitIds.set(stored.code, { id: stored.id, path: stored.path, depth: stored.depth });

  const rows = new Map<string, { id: string; successorId: string | null }>();
  for (const unit of units) {
    const parent = unit.parentCode ? unitIds.get(unit.parentCode) : undefined;
    if (unit.parentCode && !parent)
      throw new Error(`Unit ${unit.code}: parent ${unit.parentCode} is neither in the list before it nor stored`);
    const path = `${parent?.path ?? '/'}${unit.code}/`;
    const desired = {
      officialCode: unit.officialCode,
      source: unit.source,
      name: unit.name,
      nameEn: unit.nameEn,
      kind: unit.kind,
      tier: unit.tier,
      parentId: parent?.id ?? null,
      path,
      depth: parent ? parent.depth + 1 : 0,
      validFrom: unit.validFrom,
      validTo: unit.validTo,
    };
    const existing = known.get(unit.code);
    let row;
    if (!existing) {
      row = await prisma.administrativeUnit.create({ data: { code: unit.code, ...desired } });
      report.created += 1;
    } else if (differs(existing, desired)) {
      row = await prisma.administrativeUnit.update({ where: { id: existing.id }, data: desired });
      report.updated += 1;
    } else {
      row = existing;
      report.unchanged += 1;
    }
    unitIds.set(unit.code, { id: row.id, path, depth: desired.depth });
    rows.set(unit.code, { id: row.id, successorId: row.successorId });
  }

  for (const unit of units) {
    const row = rows.get(unit.code)!;
    const successorId = unit.successorCode ? unitIds.get(unit.successorCode)!.id : null;
    if (row.successorId !== successorId) {
      await prisma.administrativeUnit.update({ where: { id: row.id }, data: { successorId } });
      if (known.has(unit.code)) report.updated += 1;
    }
  }

  await movePrincipals(prisma, now, report);
  return { report, unitIds };
}

/** Users and API keys on ceased units go to the unit that took the ceased one over (followed to one in force). */
async function movePrincipals(prisma: PrismaClient, now: Date, report: UnitImportReport): Promise<void> {
  const units = await prisma.administrativeUnit.findMany({ select: { id: true, code: true, validTo: true, successorId: true } });
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  const ceased = (unit: { validTo: Date | null }): boolean => unit.validTo !== null && unit.validTo <= now;
  const finalSuccessor = (unitId: string): { id: string; code: string } | null => {
    let unit = byId.get(unitId);
    for (let hops = 0; unit && ceased(unit) && hops < units.length; hops += 1)
      unit = unit.successorId ? byId.get(unit.successorId) : undefined;
    return unit && !ceased(unit) ? unit : null;
  };
  const ceasedIds = units.filter(ceased).map((unit) => unit.id);
  if (ceasedIds.length === 0) return;

  const [users, keys] = await Promise.all([
    prisma.user.findMany({ where: { unitId: { in: ceasedIds }, active: true }, select: { id: true, username: true, unitId: true } }),
    prisma.apiKey.findMany({ where: { unitId: { in: ceasedIds }, revokedAt: null }, select: { id: true, name: true, unitId: true } }),
  ]);
  const principals = [
    ...users.map((user) => ({ kind: 'user' as const, id: user.id, name: user.username, unitId: user.unitId })),
    ...keys.map((key) => ({ kind: 'api_key' as const, id: key.id, name: key.name, unitId: key.unitId })),
  ];
  for (const principal of principals) {
    const from = byId.get(principal.unitId)!;
    const to = finalSuccessor(principal.unitId);
    if (!to) {
      report.orphaned.push({ kind: principal.kind, id: principal.id, name: principal.name, unit: from.code });
      continue;
    }
    await prisma.$transaction([
      principal.kind === 'user'
        ? prisma.user.update({ where: { id: principal.id }, data: { unitId: to.id } })
        : prisma.apiKey.update({ where: { id: principal.id }, data: { unitId: to.id } }),
      prisma.auditLog.create({
        data: {
          actorType: 'SYSTEM',
          action: 'scope.moved_to_successor',
          entityType: principal.kind === 'user' ? 'user' : 'api_key',
          entityId: principal.id,
          before: { unitCode: from.code },
          after: { unitCode: to.code, reason: `unit ${from.code} ceased on ${from.validTo!.toISOString()}; ${to.code} is its successor` },
        },
      }),
    ]);
    report.moved.push({ kind: principal.kind, id: principal.id, name: principal.name, fromUnit: from.code, toUnit: to.code });
  }
}
