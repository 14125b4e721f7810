import type { AlertSeverityName, UnitTierName } from '@ioc/contracts';
import type { AlertRuleKindName } from './types';

export type Locale = 'vi' | 'en';

export interface MessageItem {
  unitName: string;
  tier: UnitTierName;
  value: number | null;
  threshold: number | null;
  since: Date;
}

export interface GroupMessageInput {
  locale: Locale;
  severity: AlertSeverityName;
  kind: AlertRuleKindName;
  ruleName: string;
  indicatorName: { vi: string; en: string } | null;
  unitOfMeasure: string;
  items: MessageItem[];
  escalationLevel: number;
  link: string;
}

export interface RenderedMessage {
  title: string;
  body: string;
}

const SEVERITY: Record<Locale, Record<AlertSeverityName, string>> = {
  vi: { CRITICAL: 'KHẨN', MAJOR: 'Quan trọng', MINOR: 'Cảnh báo', INFO: 'Thông tin' },
  en: { CRITICAL: 'CRITICAL', MAJOR: 'Major', MINOR: 'Minor', INFO: 'Info' },
};
const TIER_NOUN: Record<Locale, Record<UnitTierName | 'MIXED', [string, string]>> = {
  vi: { PROVINCE: ['tỉnh', 'tỉnh'], DISTRICT: ['huyện', 'huyện'], COMMUNE: ['xã', 'xã'], MIXED: ['đơn vị', 'đơn vị'] },
  en: {
    PROVINCE: ['province', 'provinces'],
    DISTRICT: ['district', 'districts'],
    COMMUNE: ['commune', 'communes'],
    MIXED: ['unit', 'units'],
  },
};
const MAX_LINES = 20;

const number = (locale: Locale, value: number): string =>
  new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 }).format(value);
const withUnit = (locale: Locale, value: number | null, uom: string): string =>
  value === null ? 'N/A' : `${number(locale, value)}${uom === '%' ? ' %' : uom ? ` ${uom}` : ''}`;
const localTime = (locale: Locale, at: Date): string =>
  at.toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  });

/** What went wrong, e.g. "dưới 70 %" / "below 70 %". */
function condition(input: GroupMessageInput, threshold: number | null): string {
  const vi = input.locale === 'vi';
  const t = withUnit(input.locale, threshold, input.unitOfMeasure);
  switch (input.kind) {
    case 'THRESHOLD_BELOW':
      return vi ? `dưới ${t}` : `below ${t}`;
    case 'THRESHOLD_ABOVE':
      return vi ? `trên ${t}` : `above ${t}`;
    case 'BELOW_TARGET':
      return vi ? 'chưa đạt chỉ tiêu' : 'below target';
    case 'RATE_OF_CHANGE':
      return vi ? `biến động từ ${t} trở lên` : `changed by ${t} or more`;
    case 'PROJECTED_MISS':
      return vi ? 'dự báo không đạt chỉ tiêu đúng hạn' : 'projected to miss the target by its deadline';
    case 'STALE_SOURCE':
      return vi ? `không có dữ liệu mới quá ${t} giây` : `no fresh data for over ${t} s`;
    case 'CONNECTOR_DOWN':
      return vi ? 'mất kết nối nguồn dữ liệu' : 'source connector down';
  }
}

/**
 * One message for a group of alerts of one rule: what, where, value vs threshold/target, since
 * when, and a link, e.g. "12 xã dưới 70 %: Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng".
 */
export function renderGroupMessage(input: GroupMessageInput): RenderedMessage {
  const { locale, items } = input;
  const vi = locale === 'vi';
  const tiers = new Set(items.map((i) => i.tier));
  const tier = (tiers.size === 1 && [...tiers][0]) || 'MIXED';
  const [one, many] = TIER_NOUN[locale][tier];
  const [first] = items;
  const where = first && items.length === 1 ? first.unitName : `${items.length} ${items.length === 1 ? one : many}`;
  const what = input.indicatorName ? (vi ? input.indicatorName.vi : input.indicatorName.en) : input.ruleName;
  const thresholds = new Set(items.map((i) => i.threshold));
  const sharedThreshold = thresholds.size === 1 ? (first?.threshold ?? null) : null;
  const escalated = input.escalationLevel > 0 ? (vi ? '[Chuyển cấp trên] ' : '[Escalated] ') : '';
  const title = `${escalated}[${SEVERITY[locale][input.severity]}] ${where} ${condition(input, sharedThreshold)}: ${what}`;

  const sorted = [...items].sort((a, b) => (a.value ?? Infinity) - (b.value ?? Infinity));
  const lines = sorted.slice(0, MAX_LINES).map((i) => {
    const value = withUnit(locale, i.value, input.unitOfMeasure);
    const threshold = withUnit(locale, i.threshold, input.unitOfMeasure);
    return vi
      ? `• ${i.unitName}: ${value} (ngưỡng ${threshold}), từ ${localTime(locale, i.since)}`
      : `• ${i.unitName}: ${value} (threshold ${threshold}), since ${localTime(locale, i.since)}`;
  });
  if (sorted.length > MAX_LINES)
    lines.push(vi ? `… và ${sorted.length - MAX_LINES} đơn vị khác` : `… and ${sorted.length - MAX_LINES} more`);
  lines.push(vi ? `Chi tiết: ${input.link}` : `Details: ${input.link}`);
  return { title, body: lines.join('\n') };
}
