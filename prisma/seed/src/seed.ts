import { randomBytes } from 'node:crypto';
import type { DashboardLayout } from '@ioc/contracts';
import { fromApiKey, hashPassword, issueApiKey, type IssuedApiKey } from '@ioc/security';
import { differs, importUnits, quangNgaiUnitList, type PrismaClient, type ResolvedUnit, type Role } from '@ioc/persistence';
import { INDICATOR_CATALOG } from './indicator-catalog';
import { RESOLUTION_TARGETS, RESOLUTIONS, SUPERSEDED_TARGETS } from './resolution-targets';

export interface SeedOptions {
  /** Admin password; when absent on first run, one is generated and returned. */
  adminPassword?: string;
  /** Whole API keys ("ioc_<prefix>_<secret>") to register; generated when absent on first run. */
  provinceViewerApiKey?: string;
  districtViewerApiKey?: string;
  /** Units to load (a resolved unit list); the official list of the merged Quảng Ngãi when absent. */
  units?: readonly ResolvedUnit[];
  /** Unit of the local viewer key and of the commune leader; a commune of the list by default. */
  localUnitCode?: string;
  /** Seed the leader users and the default alert rules (default true). */
  alerting?: boolean;
}

/** Phường Cẩm Thành (Công văn 1027/CTK-CSCL), the ward formed from the centre of the former Thành phố Quảng Ngãi. */
export const DEFAULT_LOCAL_UNIT_CODE = '21025';

export interface SeedReport {
  created: number;
  updated: number;
  /** Secrets created by this run, to hand to the operator once; empty on later runs. */
  generatedSecrets: Record<string, string>;
}

const PROVINCE_DASHBOARD: DashboardLayout = {
  columns: 5,
  tiles: [
    'doc.processed_online_pct',
    'doc.on_time_pct',
    'doc.overdue',
    'doc.signed_pct',
    'dossier.online_pct',
    'dossier.on_time_pct',
    'dossier.late',
    'dossier.online_payment_pct',
    'procedure.fully_online_pct',
    'dossier.satisfaction_766',
    'health.bed_occupancy_pct',
    'health.visits_today',
    'edu.attendance_pct',
    'source.freshness',
    'dvc.index_766',
    'health.emergencies_today',
    'health.notifiable_cases_month',
    'health.ehr_pct',
    'edu.digital_records_pct',
    'edu.cashless_tuition_pct',
  ].map((indicatorId) => ({ indicatorId, unitCode: '51' })),
};

/**
 * Loads the reference province (its official unit list), indicators, targets, users, keys and,
 * unless told otherwise, leader users and default alert rules. Idempotent: every row
 * is looked up by its natural key and written only when missing or different, so a second
 * run changes nothing (not even updated_at).
 */
export async function seedDatabase(prisma: PrismaClient, options: SeedOptions = {}): Promise<SeedReport> {
  const report: SeedReport = { created: 0, updated: 0, generatedSecrets: {} };
  const count = (created: boolean, updated: boolean): void => {
    if (created) report.created += 1;
    else if (updated) report.updated += 1;
  };

  // Units through the same import a province runs on its own list (npm run units:import).
  const units = options.units ?? quangNgaiUnitList().units;
  const imported = await importUnits(prisma, units);
  report.created += imported.report.created;
  report.updated += imported.report.updated + imported.report.moved.length;
  const unitIds = imported.unitIds;
  const rootCode = units.find((unit) => unit.parentCode === null && unit.validTo === null)?.code;
  if (!rootCode) throw new Error('The unit list has no root unit in force (a province without parent and validTo)');
  const localUnitCode = options.localUnitCode ?? DEFAULT_LOCAL_UNIT_CODE;
  if (!unitIds.has(localUnitCode)) throw new Error(`Seed: local unit ${localUnitCode} is not in the unit list`);

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
      where: {
        indicatorId: old.indicatorId,
        tier: old.tier,
        unitId: null,
        deadline: new Date(`${old.deadline}T00:00:00Z`),
        resolution: { code: old.resolutionCode },
      },
    });
    report.updated += removed;
  }
  for (const target of RESOLUTION_TARGETS) {
    const resolution = await prisma.resolution.findUniqueOrThrow({ where: { code: target.resolutionCode } });
    const unitId = target.unitCode ? unitIds.get(target.unitCode)!.id : null;
    const tier = target.tier ?? null;
    const deadline = new Date(`${target.deadline}T00:00:00Z`);
    const desired = {
      comparator: target.comparator,
      value: target.value,
      periodStart: new Date(`${target.periodStart}T00:00:00Z`),
      note: target.note,
    };
    // The natural key of a target; earlier seeds stored the level targets as LEVEL_EACH with GTE, so those are updated in place.
    const existing = await prisma.target.findFirst({
      where: {
        indicatorId: target.indicatorId,
        tier,
        unitId,
        resolutionId: resolution.id,
        deadline,
        appliesTo: { in: [target.appliesTo, 'LEVEL_EACH'] },
      },
      orderBy: { createdAt: 'asc' },
    });
    const changed = !!existing && differs(existing, { ...desired, appliesTo: target.appliesTo });
    if (!existing) {
      await prisma.target.create({
        data: {
          indicatorId: target.indicatorId,
          appliesTo: target.appliesTo,
          tier,
          unitId,
          resolutionId: resolution.id,
          deadline,
          ...desired,
        },
      });
    } else if (changed) {
      await prisma.target.update({ where: { id: existing.id }, data: { ...desired, appliesTo: target.appliesTo } });
    }
    count(!existing, changed);
  }

  const province = unitIds.get(rootCode)!.id;
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
    {
      name: 'Màn hình IOC tỉnh (province viewer)',
      role: 'VIEWER',
      unitCode: rootCode,
      supplied: options.provinceViewerApiKey,
      secretName: 'provinceViewerApiKey',
    },
    {
      name: 'Màn hình đơn vị cấp dưới (local viewer)',
      role: 'VIEWER',
      unitCode: localUnitCode,
      supplied: options.districtViewerApiKey,
      secretName: 'districtViewerApiKey',
    },
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

  if (options.alerting ?? true) {
    await seedLeaders(prisma, unitIds.get(rootCode)!.id, unitIds.get(localUnitCode)!.id, report);
    await seedAlertRules(prisma, report);
  }

  return report;
}

/** Leader users, one per scope, so alerts reach someone on a new install. */
export const SEED_LEADERS = [
  { username: 'lanhdao.tinh', displayName: 'Lãnh đạo UBND tỉnh', scope: 'province', secretName: 'provinceLeaderPassword' },
  { username: 'lanhdao.xa', displayName: 'Lãnh đạo UBND cấp xã', scope: 'local', secretName: 'communeLeaderPassword' },
] as const;

async function seedLeaders(prisma: PrismaClient, provinceId: string, localId: string, report: SeedReport): Promise<void> {
  for (const leader of SEED_LEADERS) {
    // Looked up by username only: an administrator may since have moved or renamed the user.
    if (await prisma.user.findUnique({ where: { username: leader.username } })) continue;
    const password = randomBytes(18).toString('base64url');
    report.generatedSecrets[leader.secretName] = password;
    await prisma.user.create({
      data: {
        username: leader.username,
        displayName: leader.displayName,
        role: 'LEADER',
        unitId: leader.scope === 'province' ? provinceId : localId,
        passwordHash: await hashPassword(password),
      },
    });
    report.created += 1;
  }
}

/**
 * Default rules a province starts with: the tier targets of Nghị quyết 13 missed, a source down
 * and a source gone stale. Critical alerts climb from the commune to the province when nobody
 * acknowledges them (ALERT_ESCALATION_AFTER_S).
 */
export const DEFAULT_ALERT_RULES = [
  {
    name: 'Chưa đạt chỉ tiêu xử lý hồ sơ công việc trên môi trường mạng',
    kind: 'BELOW_TARGET' as const,
    indicatorId: 'doc.processed_online_pct',
    params: {},
    severity: 'CRITICAL' as const,
    scope: {},
    forSeconds: 120,
    keepFiringSeconds: 300,
  },
  {
    name: 'Chưa đạt chỉ tiêu dịch vụ công trực tuyến toàn trình',
    kind: 'BELOW_TARGET' as const,
    indicatorId: 'procedure.fully_online_pct',
    params: {},
    severity: 'MAJOR' as const,
    scope: {},
    forSeconds: 120,
    keepFiringSeconds: 300,
  },
  {
    name: 'Mất kết nối hệ thống nguồn',
    kind: 'CONNECTOR_DOWN' as const,
    indicatorId: null,
    params: {},
    severity: 'CRITICAL' as const,
    scope: {},
    forSeconds: 60,
    keepFiringSeconds: 0,
  },
  {
    name: 'Dữ liệu nguồn không cập nhật quá 15 phút',
    kind: 'STALE_SOURCE' as const,
    indicatorId: null,
    params: { maxAgeSeconds: 900 },
    severity: 'MAJOR' as const,
    scope: {},
    forSeconds: 0,
    keepFiringSeconds: 0,
  },
];

async function seedAlertRules(prisma: PrismaClient, report: SeedReport): Promise<void> {
  for (const rule of DEFAULT_ALERT_RULES) {
    // An existing rule is the province's to tune (thresholds, scope, enabled): never overwritten.
    if (await prisma.alertRule.findFirst({ where: { name: rule.name } })) continue;
    await prisma.alertRule.create({ data: rule });
    report.created += 1;
  }
}
