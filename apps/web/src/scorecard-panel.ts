import type { ResolutionScorecard, ScorecardEntry, TargetAppliesTo, TargetComparatorName, TargetResult } from '@ioc/contracts';
import { element } from './dom';
import { formatValue } from './tile-state';

const COMPARATOR: Record<TargetComparatorName, string> = { GT: '>', GTE: '≥', LT: '<', LTE: '≤' };
const TIER: Record<string, string> = { PROVINCE: 'tỉnh', DISTRICT: 'huyện', COMMUNE: 'xã' };
const STATUS: Record<string, string> = {
  met: 'Đạt',
  on_track: 'Đúng tiến độ',
  at_risk: 'Có nguy cơ',
  missed: 'Không đạt',
  no_data: 'Chưa có dữ liệu',
  no_target: '',
};

/** What a target is judged on, in words: "cấp tỉnh (các cơ quan cấp tỉnh gộp lại)", "từng xã", a unit. */
export function appliesToLabel(entry: Pick<ScorecardEntry, 'appliesTo' | 'tier' | 'unitCode'>, unitName: (code: string) => string): string {
  const labels: Record<TargetAppliesTo, () => string> = {
    LEVEL_AGGREGATE: () => `cấp ${TIER[entry.tier ?? ''] ?? entry.tier} (các cơ quan cấp ${TIER[entry.tier ?? ''] ?? entry.tier} gộp lại)`,
    LEVEL_EACH: () => `từng đơn vị cấp ${TIER[entry.tier ?? ''] ?? entry.tier}`,
    UNIT_SUBTREE: () => `${unitName(entry.unitCode ?? '')} (toàn địa bàn)`,
    UNIT_OWN: () => `${unitName(entry.unitCode ?? '')} (riêng đơn vị)`,
  };
  return labels[entry.appliesTo]();
}

/** "82,4 % — 3/4 đơn vị đạt" for a result. */
export function resultLabel(result: TargetResult, appliesTo: TargetAppliesTo, unit: string): string {
  const value = `${formatValue(result.value)}${result.value === null ? '' : ` ${unit}`}`;
  return appliesTo === 'LEVEL_EACH' ? `${result.unitsMet}/${result.unitsEvaluated} đơn vị đạt (thấp nhất ${value})` : value;
}

export interface ScorecardPanelOptions {
  unitName(code: string): string;
  unitOfMeasure(indicatorId: string): string;
  indicatorName(indicatorId: string): string;
  /** Link to the display drilled down to a unit, when the unit is in this display's tree. */
  unitHref(code: string): string | null;
}

function entryRow(entry: ScorecardEntry, options: ScorecardPanelOptions): HTMLElement {
  const unit = options.unitOfMeasure(entry.indicatorId);
  const row = element('li', 'scorecard-entry');
  row.dataset.status = entry.status;
  row.dataset.target = entry.targetId;
  const title = element(
    'div',
    'scorecard-entry-title',
    `${options.indicatorName(entry.indicatorId)} ${COMPARATOR[entry.comparator]} ${formatValue(entry.target)} ${unit}`,
  );
  const scope = element(
    'div',
    'scorecard-entry-scope',
    `Áp dụng: ${appliesToLabel(entry, options.unitName)}${entry.deadline ? ` · hạn ${entry.deadline}` : ''}`,
  );
  const today = element(
    'div',
    'scorecard-entry-today',
    `Hiện tại: ${resultLabel(entry, entry.appliesTo, unit)} — ${STATUS[entry.status] ?? entry.status}`,
  );
  row.append(title, scope, today);
  if (entry.deadline && entry.status === 'missed' && entry.atDeadline === null)
    row.append(element('div', 'scorecard-entry-deadline', `Tại hạn ${entry.deadline}: đang tính`));
  if (entry.atDeadline) {
    const at = entry.atDeadline;
    const text =
      at.value === null && at.unitsEvaluated === 0
        ? 'không có dữ liệu'
        : `${resultLabel(at, entry.appliesTo, unit)} — ${at.met ? 'Đạt' : 'Không đạt'}`;
    row.append(element('div', 'scorecard-entry-deadline', `Tại hạn ${entry.deadline}: ${text}`));
  }
  const missing = entry.units.filter((u) => !u.met);
  if (missing.length > 0 && entry.appliesTo === 'LEVEL_EACH') {
    const list = element('ul', 'scorecard-missing');
    for (const miss of missing) {
      const item = element('li', '');
      const href = options.unitHref(miss.unitCode);
      const name = `${options.unitName(miss.unitCode)}: ${formatValue(miss.value)} ${unit}`;
      if (href) {
        const link = element('a', 'unit-link', name);
        link.href = href;
        item.append(link);
      } else item.textContent = name;
      list.append(item);
    }
    const details = element('details', 'scorecard-drill');
    details.append(element('summary', '', `${missing.length} đơn vị chưa đạt`), list);
    row.append(details);
  }
  return row;
}

/** The "n / m chỉ tiêu đạt" strip of the wall display; each resolution opens to its targets and the units that miss. */
export function renderScorecards(container: HTMLElement, cards: readonly ResolutionScorecard[], options: ScorecardPanelOptions): void {
  const open = new Set([...container.querySelectorAll<HTMLDetailsElement>('details.scorecard[open]')].map((d) => d.dataset.resolution));
  container.replaceChildren(
    ...cards.map((card) => {
      const details = element('details', 'scorecard');
      details.dataset.resolution = card.resolutionCode;
      details.open = open.has(card.resolutionCode);
      const summary = element('summary', 'scorecard-summary');
      summary.append(
        element('span', 'scorecard-code', card.resolutionCode),
        element('span', 'scorecard-count', `${card.met} / ${card.total} chỉ tiêu đạt`),
      );
      summary.title = card.title;
      const list = element('ul', 'scorecard-entries');
      for (const entry of card.entries) list.append(entryRow(entry, options));
      details.append(summary, list);
      return details;
    }),
  );
}
