import './styles.css';
import { type IndicatorUpdate, type ResolutionScorecard, streamKey } from '@ioc/contracts';
import { ApiError, apiFetch } from './api';
import { element } from './dom';
import { askForCredential, type Credential, currentCredential, forgetCredential } from './credentials';
import { type DisplayTile, type DisplayView, loadDisplayView } from './display-view';
import { LiveConnection } from './live-connection';
import { renderScorecards } from './scorecard-panel';
import { createSparkline, type SparkPoint } from './sparkline';
import { ageSeconds, formatAge, formatValue, freshnessOf, hasDownSource, shownValue, toneOf } from './tile-state';

const params = new URL(location.href).searchParams;
/** Seconds after which a value counts as stale (amber); `?staleAfter=` overrides it per screen. */
const STALE_AFTER_S = Number(params.get('staleAfter') ?? 300);
/** Hours of history in the sparklines (`?hours=`). */
const HISTORY_HOURS = Number(params.get('hours') ?? 6);
const RETRY_S = 5;
const FRESHNESS_LABEL = { live: 'TRỰC TIẾP', stale: 'DỮ LIỆU CŨ', offline: 'MẤT KẾT NỐI' } as const;

interface TileView {
  tile: DisplayTile;
  root: HTMLElement;
  value: HTMLElement;
  target: HTMLElement;
  badge: HTMLElement;
  age: HTMLElement;
  spark: ReturnType<typeof createSparkline>;
  points: SparkPoint[];
  latest?: IndicatorUpdate;
}

const app = document.getElementById('app')!;
const slug = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const drillUnit = params.get('unit') ?? undefined;

let connected = false;
/** Sources the connectors report DOWN: the values they feed are marked, even before they age. */
const downSources = new Set<string>();
/** When the connectors last read each source successfully: a value is stale when its sources were not read on time. */
const sourceReads = new Map<string, number>();
let tiles = new Map<string, TileView>();
let live: LiveConnection | undefined;
let currentView: DisplayView | undefined;
/** Resolution scorecards by code, as last received. */
const scorecards = new Map<string, ResolutionScorecard>();

function unitLink(code: string, name: string, isRoot: boolean): HTMLAnchorElement {
  const link = element('a', 'unit-link', name);
  link.href = isRoot ? location.pathname : `${location.pathname}?unit=${encodeURIComponent(code)}`;
  link.dataset.unit = code;
  return link;
}

function render(view: DisplayView): void {
  const header = element('header', 'display-header');
  const title = element('div', 'display-title');
  title.append(element('h1', '', view.title));
  const trail = element('nav', 'trail');
  view.trail.forEach((unit, index) => {
    if (index > 0) trail.append(element('span', 'trail-sep', '›'));
    trail.append(
      index === view.trail.length - 1
        ? element('span', 'trail-current', unit.name)
        : unitLink(unit.code, unit.name, unit.code === view.root.code),
    );
  });
  title.append(trail);
  const connection = element('div', 'connection');
  connection.id = 'connection';
  const clock = element('div', 'clock');
  clock.id = 'clock';
  const cards = element('div', 'scorecards');
  cards.id = 'scorecards';
  header.append(title, cards, connection, clock);

  const children = element('nav', 'children');
  for (const child of view.children) children.append(unitLink(child.code, child.name, false));

  const grid = element('main', 'grid');
  grid.style.setProperty('--columns', String(view.columns));
  grid.style.setProperty('--rows', String(Math.max(1, Math.ceil(view.tiles.length / view.columns))));
  tiles = new Map();
  for (const tile of view.tiles) {
    const root = element('section', 'tile');
    root.dataset.tile = streamKey(tile.indicatorId, tile.unitCode);
    const value = element('div', 'tile-value', '—');
    const unit = element('span', 'tile-unit', tile.unitOfMeasure);
    const target = element('div', 'tile-target');
    const badge = element('div', 'badge');
    const age = element('div', 'tile-age');
    const spark = createSparkline();
    const valueRow = element('div', 'tile-value-row');
    valueRow.append(value, unit);
    const footer = element('div', 'tile-footer');
    footer.append(badge, age);
    root.append(element('h2', 'tile-name', tile.nameVi), valueRow, target, spark.element, footer);
    grid.append(root);
    tiles.set(root.dataset.tile, { tile, root, value, target, badge, age, spark, points: [...tile.history].sort((a, b) => a.t - b.t) });
  }
  app.replaceChildren(header, ...(view.children.length > 0 ? [children] : []), grid);
  currentView = view;
  drawScorecards();
  refresh();
}

function drawScorecards(): void {
  const container = document.getElementById('scorecards');
  const view = currentView;
  if (!container || !view) return;
  renderScorecards(
    container,
    [...scorecards.values()].sort((a, b) => a.resolutionCode.localeCompare(b.resolutionCode)),
    {
      unitName: (code) => view.unitNames.get(code) ?? code,
      indicatorName: (id) => view.indicators.get(id)?.nameVi ?? id,
      unitOfMeasure: (id) => view.indicators.get(id)?.unitOfMeasure ?? '',
      unitHref: (code) => (view.unitNames.has(code) ? `${location.pathname}?unit=${encodeURIComponent(code)}` : null),
    },
  );
}

function applyScorecard(card: ResolutionScorecard): void {
  scorecards.set(card.resolutionCode, card);
  drawScorecards();
}

function applyUpdate(update: IndicatorUpdate): void {
  const view = tiles.get(streamKey(update.indicatorId, update.unitCode));
  if (!view) return;
  view.latest = update;
  if (update.value !== null) addPoint(view, { t: Date.parse(update.asOf), v: update.value });
  // Displays stay on for days: keep only the points the sparkline can show.
  const windowStart = Date.now() - HISTORY_HOURS * 3600_000;
  if ((view.points[0]?.t ?? Infinity) < windowStart) view.points = view.points.filter((point) => point.t >= windowStart);
  view.target.textContent = targetText(update, view.tile.unitOfMeasure);
  view.root.dataset.status = update.status;
  refreshTile(view, Date.now());
}

const COMPARATORS = { GT: '>', GTE: '≥', LT: '<', LTE: '≤' } as const;
const JUDGED_ON = { LEVEL_AGGREGATE: 'cả cấp gộp lại', LEVEL_EACH: 'riêng đơn vị', UNIT_OWN: 'riêng đơn vị', UNIT_SUBTREE: '' } as const;

/** "Chỉ tiêu > 90 % · cả cấp gộp lại: 93,4": the tile shows the subtree value; the target may judge another reading. */
function targetText(update: IndicatorUpdate, unit: string): string {
  if (update.target === null) return 'Chưa có chỉ tiêu';
  const judged = update.judged;
  const text = `Chỉ tiêu ${judged ? COMPARATORS[judged.comparator] : ''} ${formatValue(update.target)} ${unit}`.replace('  ', ' ');
  return judged && judged.appliesTo !== 'UNIT_SUBTREE' ? `${text} · ${JUDGED_ON[judged.appliesTo]}: ${formatValue(judged.value)}` : text;
}

/** Keeps the points in time order (a snapshot or a replay may bring an older value after a newer one). */
function addPoint(view: TileView, point: SparkPoint): void {
  const at = view.points.findIndex((p) => p.t >= point.t);
  if (at === -1) view.points.push(point);
  else if (view.points[at]?.t === point.t) view.points[at] = point;
  else view.points.splice(at, 0, point);
}

function refreshTile(view: TileView, now: number): void {
  if (view.latest) {
    const value = shownValue(view.latest, now, sourceReads);
    view.value.textContent = formatValue(value);
    view.value.dataset.value = value === null ? '' : String(value);
  }
  const freshness = freshnessOf(view.latest, connected, now, STALE_AFTER_S, downSources, sourceReads);
  view.root.dataset.freshness = freshness;
  view.root.dataset.tone = toneOf(view.latest, view.tile);
  view.badge.textContent =
    !view.latest && freshness !== 'offline'
      ? 'CHƯA CÓ DỮ LIỆU'
      : freshness === 'stale' && hasDownSource(view.latest, downSources)
        ? 'NGUỒN GIÁN ĐOẠN'
        : FRESHNESS_LABEL[freshness];
  view.age.textContent = view.latest ? `Nguồn đọc ${formatAge(ageSeconds(view.latest, now, sourceReads))}` : '';
  // The line spans the whole window up to now; the latest value holds until the next one arrives.
  const windowStart = now - HISTORY_HOURS * 3600_000;
  const last = view.points.at(-1);
  view.spark.draw(last && last.t < now ? [...view.points, { t: now, v: last.v }] : view.points, windowStart, now);
}

/** Re-evaluates every badge: values age even when nothing arrives. */
function refresh(): void {
  const now = Date.now();
  for (const view of tiles.values()) refreshTile(view, now);
  const connection = document.getElementById('connection');
  if (connection) {
    connection.dataset.state = connected ? 'online' : 'offline';
    connection.textContent = connected ? '● Đang kết nối trực tiếp' : '● Mất kết nối — đang thử lại';
  }
  const clock = document.getElementById('clock');
  if (clock) clock.textContent = new Date(now).toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
}

function showProblem(message: string): void {
  const problem = element('div', 'problem', message);
  problem.id = 'problem';
  document.getElementById('problem')?.remove();
  app.prepend(problem);
}

async function start(credential: Credential): Promise<void> {
  let view: DisplayView;
  try {
    view = await loadDisplayView(credential, slug, drillUnit, HISTORY_HOURS);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetCredential();
      return start(await askForCredential(app, error.message));
    }
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ApiError && error.status < 500 && error.status !== 429) return showProblem(message);
    // Gateway unreachable or failing: say so and try again, a wall display has nobody to press reload.
    showProblem(`${message} — thử lại sau ${RETRY_S} giây`);
    setTimeout(() => void start(credential), RETRY_S * 1000);
    return;
  }
  live?.close();
  connected = false;
  render(view);
  // The scorecards as they stand; changes then come on the socket.
  apiFetch<ResolutionScorecard[]>(credential, '/scorecards')
    .then((cards) => cards.forEach(applyScorecard))
    .catch((error: unknown) => showProblem(`Không đọc được bảng chỉ tiêu: ${error instanceof Error ? error.message : String(error)}`));
  const request = view.drilled
    ? { indicators: view.tiles.map((tile) => tile.indicatorId), units: [view.unit.code] }
    : { indicators: [], units: [], dashboard: view.slug };
  live = new LiveConnection(credential, request, {
    onValue: applyUpdate,
    onConnection: (state) => {
      connected = state;
      refresh();
    },
    onScorecard: applyScorecard,
    onSourceHealth: (update) => {
      if (update.lastSuccessAt)
        sourceReads.set(update.sourceId, Math.max(sourceReads.get(update.sourceId) ?? 0, Date.parse(update.lastSuccessAt)));
      if (update.status === 'DOWN') downSources.add(update.sourceId);
      else downSources.delete(update.sourceId);
      refresh();
    },
    // The layout changed (or the dashboard went away): fetch it again and resubscribe.
    onDashboardChange: (change) => (change.deleted ? showProblem(`Bảng điều khiển "${change.slug}" đã bị xóa`) : void start(credential)),
    onError: (error) => {
      if (error.code === 'unauthenticated') {
        live?.close();
        forgetCredential();
        void askForCredential(app, error.message).then(start);
      } else showProblem(error.message);
    },
  });
}

setInterval(refresh, 1000);
const credential = currentCredential();
void (credential ? start(credential) : askForCredential(app, 'Màn hình cần khóa API hoặc tài khoản để hiển thị dữ liệu').then(start));
