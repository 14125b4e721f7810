import { Injectable } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { PrismaService, type AdministrativeUnit } from '@ioc/persistence';
import { ForbiddenError, NotFoundError } from '../common/domain-errors';
import { byKeys, DATABASE_LOOKUPS, sharedLoader } from '../common/shared-loader';
import { inScope, type Principal } from './principal';

/** Resolves unit codes against the tree and the caller's scope. */
@Injectable()
export class ScopeService {
  /** Units by code; requests arriving together (a reconnecting wall's displays) share a query. */
  private readonly units: DataLoader<string, AdministrativeUnit | null>;

  constructor(private readonly prisma: PrismaService) {
    this.units = sharedLoader(
      async (codes) =>
        byKeys(
          codes,
          await this.prisma.administrativeUnit.findMany({ where: { code: { in: [...new Set(codes)] } } }),
          (unit) => unit.code,
          null,
        ),
      { ...DATABASE_LOOKUPS, maxBatchSize: 2000 },
    );
  }

  /** The units named (with their current subtrees when asked), all inside the caller's scope, or an error naming the first that is not. */
  /** One unit by code, inside the principal's scope (NotFound / Forbidden otherwise). */
  async resolveUnit(principal: Principal, code: string): Promise<AdministrativeUnit> {
    const [unit] = await this.resolveUnits(principal, [code]);
    if (!unit) throw new NotFoundError(`Unknown unit code: ${code}`, ['units']);
    return unit;
  }

  async resolveUnits(principal: Principal, codes: string[], subtree = false): Promise<AdministrativeUnit[]> {
    const found = await this.units.loadMany([...new Set(codes)]);
    const units = found.filter((unit): unit is AdministrativeUnit => unit !== null && !(unit instanceof Error));
    const failed = found.find((unit): unit is Error => unit instanceof Error);
    if (failed) throw failed;
    const missing = codes.filter((code) => !units.some((unit) => unit.code === code));
    if (missing.length > 0) throw new NotFoundError(`Unknown unit code(s): ${missing.join(', ')}`, ['units']);
    const outside = (await Promise.all(units.map(async (unit) => ((await this.visible(principal, unit)) ? null : unit)))).find(
      (unit) => unit !== null,
    );
    if (outside) throw new ForbiddenError(`Unit ${outside.code} (${outside.name}) is outside your scope (${principal.unitCode})`);
    if (!subtree) return units;
    const descendants = await this.prisma.administrativeUnit.findMany({
      where: { OR: units.map((unit) => ({ path: { startsWith: unit.path } })), validTo: null },
      orderBy: { path: 'asc' },
    });
    const byCode = new Map([...units, ...descendants].map((unit) => [unit.code, unit]));
    return [...byCode.values()];
  }

  /**
   * The unit and every unit merged into it, transitively: its history before a merger is theirs
   * (a commune formed on 2025-07-01 has, before that day, the past of the communes it took over).
   */
  async lineage(unit: AdministrativeUnit): Promise<AdministrativeUnit[]> {
    const lineage = [unit];
    const seen = new Set([unit.id]);
    for (let frontier = [unit.id]; frontier.length > 0;) {
      const predecessors = (await this.prisma.administrativeUnit.findMany({ where: { successorId: { in: frontier } } })).filter(
        (p) => !seen.has(p.id),
      );
      for (const predecessor of predecessors) seen.add(predecessor.id);
      lineage.push(...predecessors);
      frontier = predecessors.map((p) => p.id);
    }
    return lineage;
  }

  /**
   * In the caller's subtree, or history of it: a ceased unit (or one under a ceased ancestor, like
   * a commune of the former Kon Tum) is visible to whoever's scope holds the unit it was merged into.
   */
  private async visible(principal: Principal, unit: AdministrativeUnit): Promise<boolean> {
    if (inScope(principal, unit.path)) return true;
    const chain = await this.prisma.administrativeUnit.findMany({
      where: { code: { in: unit.path.split('/').filter(Boolean) }, validTo: { not: null }, successorId: { not: null } },
      select: { successorId: true },
    });
    for (const ceased of chain) {
      let successorId: string | null = ceased.successorId;
      for (let hops = 0; successorId && hops < 16; hops += 1) {
        const successor: AdministrativeUnit | null = await this.prisma.administrativeUnit.findUnique({ where: { id: successorId } });
        if (!successor) break;
        if (inScope(principal, successor.path)) return true;
        successorId = successor.successorId;
      }
    }
    return false;
  }

  async requireUnit(principal: Principal, unitId: string): Promise<AdministrativeUnit> {
    const unit = await this.prisma.administrativeUnit.findUnique({ where: { id: unitId } });
    if (!unit) throw new NotFoundError(`Unknown unit ${unitId}`, ['unitId']);
    if (!(await this.visible(principal, unit))) throw new ForbiddenError(`Unit ${unit.code} is outside your scope (${principal.unitCode})`);
    return unit;
  }
}
