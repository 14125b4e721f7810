import type { TargetAppliesTo, TargetComparator, UnitTier } from '@ioc/persistence';

export interface SeedResolution {
  code: string;
  title: string;
  issuedBy: string;
}

export interface SeedTarget {
  resolutionCode: string;
  indicatorId: string;
  appliesTo: TargetAppliesTo;
  /** For LEVEL_* targets. */
  tier?: UnitTier;
  /** For UNIT_* targets. */
  unitCode?: string;
  comparator: TargetComparator;
  value: number;
  /** The period, local days "YYYY-MM-DD". */
  periodStart: string;
  deadline: string;
  note: string;
}

export const RESOLUTIONS: SeedResolution[] = [
  {
    code: '13-NQ/TU',
    title: 'Nghị quyết của Tỉnh ủy Quảng Ngãi về chuyển đổi số: mục tiêu đến năm 2025',
    issuedBy: 'Tỉnh ủy Quảng Ngãi',
  },
];

/**
 * Targets quoted in ../shared/domain.md (Quảng Ngãi, Nghị quyết 13-NQ/TU, by 2025), as the
 * resolution means them: "trên 90 %" is strictly above (GT); "cấp tỉnh" is the province-level
 * agencies taken together (LEVEL_AGGREGATE of the PROVINCE tier's own records), "cấp huyện" and
 * "cấp xã" each district's and commune's own offices (LEVEL_EACH). A later period's targets
 * are more rows with their own period.
 */
export const RESOLUTION_TARGETS: SeedTarget[] = [
  {
    resolutionCode: '13-NQ/TU',
    indicatorId: 'doc.processed_online_pct',
    appliesTo: 'LEVEL_AGGREGATE',
    tier: 'PROVINCE',
    comparator: 'GT',
    value: 90,
    periodStart: '2021-01-01',
    deadline: '2025-12-31',
    note: 'Trên 90 % hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng',
  },
  {
    resolutionCode: '13-NQ/TU',
    indicatorId: 'doc.processed_online_pct',
    appliesTo: 'LEVEL_EACH',
    tier: 'DISTRICT',
    comparator: 'GT',
    value: 80,
    periodStart: '2021-01-01',
    deadline: '2025-12-31',
    note: 'Trên 80 % hồ sơ công việc cấp huyện được xử lý trên môi trường mạng',
  },
  {
    resolutionCode: '13-NQ/TU',
    indicatorId: 'doc.processed_online_pct',
    appliesTo: 'LEVEL_EACH',
    tier: 'COMMUNE',
    comparator: 'GT',
    value: 70,
    periodStart: '2021-01-01',
    deadline: '2025-12-31',
    note: 'Trên 70 % hồ sơ công việc cấp xã được xử lý trên môi trường mạng',
  },
  {
    resolutionCode: '13-NQ/TU',
    indicatorId: 'procedure.fully_online_pct',
    appliesTo: 'UNIT_SUBTREE',
    unitCode: '51',
    comparator: 'GTE',
    value: 100,
    periodStart: '2021-01-01',
    deadline: '2025-12-31',
    note: '100 % TTHC đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình',
  },
];

/** Rows earlier seeds wrote that a target above replaces (the province-wide fully-online share used to be a tier target). */
export const SUPERSEDED_TARGETS: { resolutionCode: string; indicatorId: string; tier: UnitTier; deadline: string }[] = [
  { resolutionCode: '13-NQ/TU', indicatorId: 'procedure.fully_online_pct', tier: 'PROVINCE', deadline: '2025-12-31' },
];
