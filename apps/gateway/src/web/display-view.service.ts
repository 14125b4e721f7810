import { Injectable } from '@nestjs/common';
import type { DashboardLayout, DashboardView, DisplayUnit, HistoryPoint } from '@ioc/contracts';
import { type AdministrativeUnit, PrismaService } from '@ioc/persistence';
import { inScope, type Principal } from '../auth/principal';
import { ForbiddenError, NotFoundError } from '../common/domain-errors';
import { GatewayConfig } from '../config/gateway-config';

const named = (unit: Pick<AdministrativeUnit, 'code' | 'name'>): DisplayUnit => ({ code: unit.code, name: unit.name });

@Injectable()
export class DisplayViewService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: GatewayConfig,
  ) {}

  async view(principal: Principal, slug: string, unitCode?: string): Promise<DashboardView> {
    const dashboard = await this.prisma.dashboard.findUnique({ where: { slug }, include: { unit: true } });
    if (!dashboard) throw new NotFoundError(`No dashboard "${slug}"`, ['slug']);
    if (!inScope(principal, dashboard.unit.path)) {
      throw new ForbiddenError(`Dashboard "${slug}" shows ${dashboard.unit.code}, outside your scope (${principal.unitCode})`);
    }
    const unit = unitCode ? await this.drillTarget(principal, dashboard.unit, unitCode) : dashboard.unit;
    const layout = dashboard.layout as unknown as DashboardLayout;

    const indicatorIds = [...new Set(layout.tiles.map((tile) => tile.indicatorId))];
    const definitions = new Map(
      (await this.prisma.indicatorDefinition.findMany({ where: { id: { in: indicatorIds } } })).map((definition) => [definition.id, definition]),
    );
    // Drilled down, each tile shows its indicator for the chosen unit, if the indicator applies to that tier.
    const tiles = (unit === dashboard.unit ? layout.tiles : layout.tiles.map((tile) => ({ ...tile, unitCode: unit.code }))).filter((tile) => {
      const definition = definitions.get(tile.indicatorId);
      return definition && (unit === dashboard.unit || definition.tiers.length === 0 || definition.tiers.includes(unit.tier));
    });
    const history = await this.history(tiles, this.config.WEB_HISTORY_HOURS);

    const trailCodes = unit.path.split('/').filter(Boolean);
    const trailUnits = await this.prisma.administrativeUnit.findMany({ where: { code: { in: trailCodes } } });
    const children = await this.prisma.administrativeUnit.findMany({ where: { parentId: unit.id, validTo: null }, orderBy: { code: 'asc' } });
    return {
      slug: dashboard.slug,
      title: dashboard.title,
      version: dashboard.version,
      columns: layout.columns,
      root: named(dashboard.unit),
      unit: named(unit),
      trail: trailCodes
        .slice(trailCodes.indexOf(dashboard.unit.code))
        .map((code) => trailUnits.find((candidate) => candidate.code === code))
        .filter((candidate): candidate is AdministrativeUnit => candidate !== undefined)
        .map(named),
      children: children.filter((child) => inScope(principal, child.path)).map(named),
      historyHours: this.config.WEB_HISTORY_HOURS,
      tiles: tiles.map((tile) => {
        const definition = definitions.get(tile.indicatorId)!;
        return { ...tile, nameVi: definition.nameVi, unitOfMeasure: definition.unitOfMeasure, history: history.get(`${tile.indicatorId}:${tile.unitCode}`) ?? [] };
      }),
    };
  }

  /** A unit below the dashboard's own, inside the caller's scope. */
  private async drillTarget(principal: Principal, root: AdministrativeUnit, code: string): Promise<AdministrativeUnit> {
    const unit = await this.prisma.administrativeUnit.findUnique({ where: { code } });
    if (!unit) throw new NotFoundError(`Unknown unit code ${code}`, ['unit']);
    if (!unit.path.startsWith(root.path)) throw new NotFoundError(`Unit ${code} (${unit.name}) is not under this dashboard's unit ${root.code}`, ['unit']);
    if (!inScope(principal, unit.path)) throw new ForbiddenError(`Unit ${code} (${unit.name}) is outside your scope (${principal.unitCode})`);
    return unit;
  }

  /** Per-minute snapshots of the last hours where the aggregator keeps them, else hourly ones. */
  private async history(tiles: { indicatorId: string; unitCode: string }[], hours: number): Promise<Map<string, HistoryPoint[]>> {
    const since = new Date(Date.now() - hours * 3600_000);
    const rows = await this.prisma.indicatorSnapshot.findMany({
      where: {
        OR: tiles.map((tile) => ({ indicatorId: tile.indicatorId, unit: { code: tile.unitCode } })),
        resolution: { in: ['MINUTE', 'HOUR'] },
        bucketStart: { gte: since },
      },
      select: { indicatorId: true, unit: { select: { code: true } }, resolution: true, bucketStart: true, value: true },
      orderBy: { bucketStart: 'asc' },
    });
    const byKey = new Map<string, { minute: HistoryPoint[]; hour: HistoryPoint[] }>();
    for (const row of rows) {
      const key = `${row.indicatorId}:${row.unit.code}`;
      const series = byKey.get(key) ?? { minute: [], hour: [] };
      (row.resolution === 'MINUTE' ? series.minute : series.hour).push({ t: row.bucketStart.toISOString(), v: row.value });
      byKey.set(key, series);
    }
    return new Map([...byKey].map(([key, series]) => [key, series.minute.length > 0 ? series.minute : series.hour]));
  }
}
