import { Injectable } from '@nestjs/common';
import { type Dashboard, PrismaService } from '@ioc/persistence';
import { AuditService } from '../audit/audit.service';
import { inScope, type Principal } from '../auth/principal';
import { ScopeService } from '../auth/scope.service';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/domain-errors';
import { LiveFanoutService } from '../live/live-fanout.service';
import type { CreateDashboardDto, DashboardLayoutDto, UpdateDashboardDto } from './dto/dashboard.dto';

export type DashboardView = Omit<Dashboard, 'unitId'> & { unitCode: string };

@Injectable()
export class DashboardsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly scope: ScopeService,
    private readonly audit: AuditService,
    private readonly live: LiveFanoutService,
  ) {}

  async list(principal: Principal): Promise<DashboardView[]> {
    const rows = await this.prisma.dashboard.findMany({
      where: { unit: { path: { startsWith: principal.unitPath } } },
      include: { unit: true },
      orderBy: { slug: 'asc' },
    });
    return rows.map((row) => this.view(row));
  }

  async get(principal: Principal, slug: string): Promise<DashboardView> {
    return this.view(await this.find(principal, slug));
  }

  async create(actor: Principal, input: CreateDashboardDto): Promise<DashboardView> {
    const unit = await this.scope.resolveUnit(actor, input.unitCode);
    await this.checkLayout(actor, input.layout);
    if (await this.prisma.dashboard.findUnique({ where: { slug: input.slug } }))
      throw new ConflictError(`Dashboard "${input.slug}" exists`, ['slug']);
    const created = await this.prisma.$transaction(async (tx) => {
      const row = await tx.dashboard.create({
        data: { slug: input.slug, title: input.title, unitId: unit.id, layout: toJson(input.layout) },
        include: { unit: true },
      });
      await this.audit.record(actor, { action: 'dashboard.create', entityType: 'dashboard', entityId: row.id, after: this.view(row) }, tx);
      return row;
    });
    return this.view(created);
  }

  async update(actor: Principal, slug: string, input: UpdateDashboardDto): Promise<DashboardView> {
    const before = await this.find(actor, slug);
    const unit = input.unitCode ? await this.scope.resolveUnit(actor, input.unitCode) : null;
    if (input.layout) await this.checkLayout(actor, input.layout);
    const updated = await this.prisma.$transaction(async (tx) => {
      const row = await tx.dashboard.update({
        where: { id: before.id },
        data: {
          title: input.title,
          ...(unit ? { unitId: unit.id } : {}),
          ...(input.layout ? { layout: toJson(input.layout) } : {}),
          version: { increment: 1 },
        },
        include: { unit: true },
      });
      await this.audit.record(
        actor,
        { action: 'dashboard.update', entityType: 'dashboard', entityId: row.id, before: this.view(before), after: this.view(row) },
        tx,
      );
      return row;
    });
    this.live.notifyDashboardChange({ slug, version: updated.version, deleted: false });
    return this.view(updated);
  }

  async remove(actor: Principal, slug: string): Promise<void> {
    const before = await this.find(actor, slug);
    await this.prisma.$transaction(async (tx) => {
      await tx.dashboard.delete({ where: { id: before.id } });
      await this.audit.record(
        actor,
        { action: 'dashboard.delete', entityType: 'dashboard', entityId: before.id, before: this.view(before) },
        tx,
      );
    });
    this.live.notifyDashboardChange({ slug, version: before.version, deleted: true });
  }

  private async find(principal: Principal, slug: string): Promise<Dashboard & { unit: { code: string; path: string } }> {
    const row = await this.prisma.dashboard.findUnique({ where: { slug }, include: { unit: true } });
    if (!row) throw new NotFoundError(`No dashboard "${slug}"`);
    if (!inScope(principal, row.unit.path))
      throw new ForbiddenError(`Dashboard "${slug}" shows ${row.unit.code}, outside your scope (${principal.unitCode})`);
    return row;
  }

  /** Every tile's unit inside the caller's scope and every indicator known. */
  private async checkLayout(actor: Principal, layout: DashboardLayoutDto): Promise<void> {
    await this.scope.resolveUnits(actor, [...new Set(layout.tiles.map((tile) => tile.unitCode))]);
    const ids = [...new Set(layout.tiles.map((tile) => tile.indicatorId))];
    const known = await this.prisma.indicatorDefinition.findMany({ where: { id: { in: ids } }, select: { id: true } });
    const unknown = ids.filter((id) => !known.some((row) => row.id === id));
    if (unknown.length > 0) throw new NotFoundError(`Unknown indicator(s) in layout: ${unknown.join(', ')}`, ['layout.tiles']);
  }

  private view({ unitId: _unitId, unit, ...row }: Dashboard & { unit: { code: string } }): DashboardView {
    return { ...row, unitCode: unit.code };
  }
}

const toJson = (layout: DashboardLayoutDto): object => JSON.parse(JSON.stringify(layout)) as object;
