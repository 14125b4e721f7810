import { randomBytes } from 'node:crypto';
import type { DashboardLayout } from '@ioc/contracts';
import { fromApiKey, hashPassword, issueApiKey, type IssuedApiKey } from '@ioc/security';
import type { PrismaClient } from '../generated/prisma/client';
import type { Role } from '../generated/prisma/enums';
import { INDICATOR_CATALOG } from './indicator-catalog';
import { QUANG_NGAI_UNITS } from './quang-ngai-units';
import { RESOLUTION_TARGETS, RESOLUTIONS, SUPERSEDED_TARGETS } from './resolution-targets';

export interface SeedOptions {
  /** Admin password; when absent on first run, one is generated and returned. */
  adminPassword?: string;
  /** Whole API keys ("ioc_<prefix>_<secret>") to register; generated when absent on first run. */
  provinceViewerApiKey?: string;
  districtViewerApiKey?: string;
}

export interface SeedReport {
  created: number;
  updated: number;
  /** Secrets created by this run, to hand to the operator once; empty on later runs. */
  generatedSecrets: Record<string, string>;
}

const PROVINCE_DASHBOARD: DashboardLayout = {
  columns: 5,
  tiles: [
    'doc.processed_online_pct', 'doc.on_time_pct', 'doc.overdue', 'doc.signed_pct',
    'dossier.online_pct', 'dossier.on_time_pct', 'dossier.late', 'dossier.online_payment_pct',
    'procedure.fully_online_pct', 'dossier.satisfaction_766', 'health.bed_occupancy_pct', 'health.visits_today',
    'edu.attendance_pct', 'source.freshness',
    'health.emergencies_today', 'health.notifiable_cases_month', 'health.ehr_pct', 'edu.digital_records_pct', 'edu.cashless_tuition_pct',
  ].map((indicatorId) => ({ indicatorId, unitCode: '51' })),
};

/** JSON text with object keys sorted: jsonb does not keep key order, so compare this. */
function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object' && value !== null && 'toFixed' in value) return JSON.stringify(Number(value));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** True when any field of `desired` differs from the stored row (dates, decimals and JSON compared by value). */
const differs = (existing: Record<string, unknown>, desired: Record<string, unknown>): boolean =>
  Object.entries(desired).some(([key, value]) => canonical(existing[key]) !== canonical(value));

/**
 * Loads the reference province, indicators, targets, users and keys. Idempotent: every row
 * is looked up by its natural key and written only when missing or different, so a second
 * run changes nothing (not even updated_at).
 */
export async function seedDatabase(prisma: PrismaClient, options: SeedOptions = {}): Promise<SeedReport> {
  const report: SeedReport = { created: 0, updated: 0, generatedSecrets: {} };
  const count = (created: boolean, updated: boolean): void => {
    if (created) report.created += 1;
    else if (updated) report.updated += 1;
  };

  // Units, parents first (the list is ordered so), with the materialised path.
  const unitIds = new Map<string, { id: string; path: string; depth: number }>();
  for (const unit of QUANG_NGAI_UNITS) {
    const parent = unit.parentCode ? unitIds.get(unit.parentCode) : undefined;
    if (unit.parentCode && !parent) throw new Error(`Seed unit ${unit.code} lists parent ${unit.parentCode} before it exists`);
    const path = `${parent?.path ?? '/'}${unit.code}/`;
    const desired = {
      name: unit.name,
      nameEn: unit.nameEn ?? null,
      kind: unit.kind,
      tier: unit.tier,
      parentId: parent?.id ?? null,
      path,
      depth: parent ? parent.depth + 1 : 0,
      validFrom: new Date(unit.validFrom),
      validTo: unit.validTo ? new Date(unit.validTo) : null,
    };
    const existing = await prisma.administrativeUnit.findUnique({ where: { code: unit.code } });
    const row = existing
      ? differs(existing, desired)
        ? await prisma.administrativeUnit.update({ where: { id: existing.id }, data: desired })
        : existing
      : await prisma.administrativeUnit.create({ data: { code: unit.code, ...desired } });
    count(!existing, existing !== row);
    unitIds.set(unit.code, { id: row.id, path, depth: desired.depth });
  }
  for (const unit of QUANG_NGAI_UNITS.filter((u) => u.successorCode)) {
    const id = unitIds.get(unit.code)!.id;
    const successorId = unitIds.get(unit.successorCode!)!.id;
    const existing = await prisma.administrativeUnit.findUniqueOrThrow({ where: { id } });
    if (existing.successorId !== successorId) {
      await prisma.administrativeUnit.update({ where: { id }, data: { successorId } });
      report.updated += 1;
    }
  }

  for (const indicator of INDICATOR_CATALOG) {
    const desired = {
      nameVi: indicator.nameVi,
      nameEn: indicator.nameEn,
      description: indicator.description,
      unitOfMeasure: indicator.unitOfMeasure,
      formula: indicator.formula as object,
      window: indicator.window as object,
      tiers: indicator.tiers,
    };
    const existing = await prisma.indicatorDefinition.findUnique({ where: { id: indicator.id } });
    const changed = !!existing && differs(existing, desired);
    if (!existing) await prisma.indicatorDefinition.create({ data: { id: indicator.id, ...desired } });
    else if (changed) {
      await prisma.indicatorDefinition.update({ where: { id: indicator.id }, data: { ...desired, version: { increment: 1 } } });
    }
    count(!existing, changed);
  }

  for (const data of RESOLUTIONS) {
    if (await prisma.resolution.findUnique({ where: { code: data.code } })) continue;
    await prisma.resolution.create({ data });
    report.created += 1;
  }
  for (const old of SUPERSEDED_TARGETS) {
    const { count: removed } = await prisma.target.deleteMany({
      where: { indicatorId: old.indicatorId, tier: old.tier, unitId: null, deadline: new Date(`${old.deadline}T00:00:00Z`), resolution: { code: old.resolutionCode } },
    });
    report.updated += removed;
  }
  for (const target of RESOLUTION_TARGETS) {
    const resolution = await prisma.resolution.findUniqueOrThrow({ where: { code: target.resolutionCode } });
    const unitId = target.unitCode ? unitIds.get(target.unitCode)!.id : null;
    const tier = target.tier ?? null;
    const deadline = new Date(`${target.deadline}T00:00:00Z`);
    const desired = { comparator: target.comparator, value: target.value, periodStart: new Date(`${target.periodStart}T00:00:00Z`), note: target.note };
    // The natural key of a target; earlier seeds stored the level targets as LEVEL_EACH with GTE, so those are updated in place.
    const existing = await prisma.target.findFirst({
      where: { indicatorId: target.indicatorId, tier, unitId, resolutionId: resolution.id, deadline, appliesTo: { in: [target.appliesTo, 'LEVEL_EACH'] } },
      orderBy: { createdAt: 'asc' },
    });
    const changed = !!existing && differs(existing, { ...desired, appliesTo: target.appliesTo });
    if (!existing) {
      await prisma.target.create({ data: { indicatorId: target.indicatorId, appliesTo: target.appliesTo, tier, unitId, resolutionId: resolution.id, deadline, ...desired } });
    } else if (changed) {
      await prisma.target.update({ where: { id: existing.id }, data: { ...desired, appliesTo: target.appliesTo } });
    }
    count(!existing, changed);
  }

  const province = unitIds.get('51')!.id;
  const existingAdmin = await prisma.user.findUnique({ where: { username: 'admin' } });
  if (!existingAdmin) {
    const password = options.adminPassword ?? randomBytes(18).toString('base64url');
    if (!options.adminPassword) report.generatedSecrets.adminPassword = password;
    await prisma.user.create({
      data: {
        username: 'admin',
        displayName: 'Quản trị hệ thống IOC',
        role: 'ADMIN',
        unitId: province,
        passwordHash: await hashPassword(password),
      },
    });
    report.created += 1;
  }

  const keys: { name: string; role: Role; unitCode: string; supplied?: string; secretName: string }[] = [
    { name: 'Màn hình IOC tỉnh (province viewer)', role: 'VIEWER', unitCode: '51', supplied: options.provinceViewerApiKey, secretName: 'provinceViewerApiKey' },
    { name: 'Màn hình TP Quảng Ngãi (district viewer)', role: 'VIEWER', unitCode: '522', supplied: options.districtViewerApiKey, secretName: 'districtViewerApiKey' },
  ];
  for (const key of keys) {
    const existing = await prisma.apiKey.findFirst({ where: { name: key.name, revokedAt: null } });
    if (existing) continue;
    const issued: IssuedApiKey = key.supplied ? fromApiKey(key.supplied) : issueApiKey();
    if (!key.supplied) report.generatedSecrets[key.secretName] = issued.key;
    await prisma.apiKey.create({
      data: { name: key.name, prefix: issued.prefix, hash: issued.hash, role: key.role, unitId: unitIds.get(key.unitCode)!.id },
    });
    report.created += 1;
  }

  const dashboard = { title: 'Tổng quan tỉnh Quảng Ngãi', unitId: province, layout: PROVINCE_DASHBOARD as unknown as object };
  const existingDashboard = await prisma.dashboard.findUnique({ where: { slug: 'province-overview' } });
  const dashboardChanged = !!existingDashboard && differs(existingDashboard, dashboard);
  if (!existingDashboard) await prisma.dashboard.create({ data: { slug: 'province-overview', ...dashboard } });
  else if (dashboardChanged) {
    await prisma.dashboard.update({ where: { id: existingDashboard.id }, data: { ...dashboard, version: { increment: 1 } } });
  }
  count(!existingDashboard, dashboardChanged);

  return report;
}
