import type { DashboardLayout, DashboardTile } from '@ioc/contracts';
import { apiFetch } from './api';
import type { Credential } from './credentials';

/** The shapes this page reads from the gateway's REST API (GET /dashboards/:slug, /indicators, /units/tree, /values/history). */
interface DashboardResponse {
  slug: string;
  title: string;
  version: number;
  unitCode: string;
  layout: DashboardLayout;
}
interface IndicatorResponse {
  id: string;
  nameVi: string;
  unitOfMeasure: string;
  /** Tiers the indicator applies to; empty = every tier. */
  tiers: string[];
}
interface UnitNode {
  code: string;
  name: string;
  tier: string;
  children: UnitNode[];
}
interface HistoryResponse {
  points: { bucketStart: string; value: number | null }[];
}

export interface DisplayUnit {
  code: string;
  name: string;
}

export interface DisplayTile extends DashboardTile {
  nameVi: string;
  unitOfMeasure: string;
  /** Recent history, oldest first, ms since epoch. */
  history: { t: number; v: number }[];
}

/** A dashboard ready to draw, for its own unit or (drill-down) for a unit below it. */
export interface DisplayView {
  slug: string;
  title: string;
  columns: number;
  root: DisplayUnit;
  unit: DisplayUnit;
  /** From the dashboard's unit down to the shown one. */
  trail: DisplayUnit[];
  children: DisplayUnit[];
  tiles: DisplayTile[];
  /** False when the tiles are the dashboard's own (subscribe by dashboard), true when drilled down. */
  drilled: boolean;
  /** Every unit of the dashboard's tree by code, and every indicator by id (for the scorecard panel). */
  unitNames: Map<string, string>;
  indicators: Map<string, { nameVi: string; unitOfMeasure: string }>;
}

function flatten(node: UnitNode, into = new Map<string, string>()): Map<string, string> {
  into.set(node.code, node.name);
  for (const child of node.children) flatten(child, into);
  return into;
}

function pathTo(node: UnitNode, code: string): UnitNode[] | null {
  if (node.code === code) return [node];
  for (const child of node.children) {
    const below = pathTo(child, code);
    if (below) return [node, ...below];
  }
  return null;
}

/** Per-minute history of the last `hours`, or hourly where the aggregator keeps no minutes. */
async function history(credential: Credential, tile: DashboardTile, hours: number): Promise<{ t: number; v: number }[]> {
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3600_000);
  for (const resolution of ['MINUTE', 'HOUR']) {
    const query = new URLSearchParams({
      indicator: tile.indicatorId,
      unit: tile.unitCode,
      resolution,
      from: from.toISOString(),
      to: to.toISOString(),
    });
    const { points } = await apiFetch<HistoryResponse>(credential, `/values/history?${query}`);
    const shown = points.filter((point) => point.value !== null).map((point) => ({ t: Date.parse(point.bucketStart), v: point.value! }));
    if (shown.length > 0) return shown;
  }
  return [];
}

export async function loadDisplayView(
  credential: Credential,
  slug: string,
  drillUnit: string | undefined,
  historyHours: number,
): Promise<DisplayView> {
  const dashboard = await apiFetch<DashboardResponse>(credential, `/dashboards/${encodeURIComponent(slug)}`);
  const [indicators, tree] = await Promise.all([
    apiFetch<IndicatorResponse[]>(credential, '/indicators'),
    apiFetch<UnitNode>(credential, `/units/tree?root=${encodeURIComponent(dashboard.unitCode)}`),
  ]);
  const trail = pathTo(tree, drillUnit ?? dashboard.unitCode);
  const unit = trail?.at(-1);
  if (!trail || !unit) throw new Error(`Đơn vị ${drillUnit} không thuộc ${tree.name}`);
  const drilled = unit.code !== dashboard.unitCode;
  const definitions = new Map(indicators.map((indicator) => [indicator.id, indicator]));
  // Drilled down, each tile shows its indicator for the chosen unit, when the indicator applies to that tier.
  const tiles = (drilled ? dashboard.layout.tiles.map((tile) => ({ ...tile, unitCode: unit.code })) : dashboard.layout.tiles).filter(
    (tile) => {
      const definition = definitions.get(tile.indicatorId);
      return definition && (!drilled || definition.tiers.length === 0 || definition.tiers.includes(unit.tier));
    },
  );
  // A sparkline is a nicety: a tile whose history cannot be read starts empty and fills from live values.
  const histories = await Promise.all(tiles.map((tile) => history(credential, tile, historyHours).catch(() => [])));
  const named = (node: UnitNode): DisplayUnit => ({ code: node.code, name: node.name });
  return {
    slug: dashboard.slug,
    title: dashboard.title,
    columns: dashboard.layout.columns,
    root: named(tree),
    unit: named(unit),
    trail: trail.map(named),
    children: unit.children.map(named),
    drilled,
    unitNames: flatten(tree),
    indicators: new Map(
      indicators.map((indicator) => [indicator.id, { nameVi: indicator.nameVi, unitOfMeasure: indicator.unitOfMeasure }]),
    ),
    tiles: tiles.map((tile, index) => {
      const definition = definitions.get(tile.indicatorId)!;
      return { ...tile, nameVi: definition.nameVi, unitOfMeasure: definition.unitOfMeasure, history: histories[index] ?? [] };
    }),
  };
}
