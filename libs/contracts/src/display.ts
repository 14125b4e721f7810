import type { DashboardTile } from './indicators';

/** A unit as the display names it. */
export interface DisplayUnit {
  code: string;
  name: string;
}

/** One point of a tile's recent history (indicator_snapshots), oldest first. */
export interface HistoryPoint {
  /** Bucket start, ISO 8601. */
  t: string;
  v: number | null;
}

export interface DisplayTile extends DashboardTile {
  nameVi: string;
  unitOfMeasure: string;
  history: HistoryPoint[];
}

/**
 * GET /web/api/dashboards/:slug[?unit=CODE]: a dashboard ready to draw, its tiles joined with
 * the indicator catalogue and their last hours of history. With `unit`, the same indicators for
 * that unit (drill-down); `children` are the units one level below the shown unit.
 */
export interface DashboardView {
  slug: string;
  title: string;
  version: number;
  columns: number;
  /** The dashboard's own unit. */
  root: DisplayUnit;
  /** The unit shown now (root unless drilled down) and the way back up to the root. */
  unit: DisplayUnit;
  trail: DisplayUnit[];
  children: DisplayUnit[];
  /** Hours of history in each tile's `history`. */
  historyHours: number;
  tiles: DisplayTile[];
}
