import { Injectable } from '@nestjs/common';
import { PrismaService } from '@ioc/persistence';
import type { Principal } from '../auth/principal';
import { ScopeService } from '../auth/scope.service';

export interface UnitNode {
  code: string;
  name: string;
  nameEn: string | null;
  kind: string;
  tier: string;
  depth: number;
  validFrom: string;
  validTo: string | null;
  children: UnitNode[];
}

@Injectable()
export class UnitsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly scope: ScopeService,
  ) {}

  /** The caller's subtree (or that of `rootCode`, which must be inside it) as nested nodes. */
  async tree(principal: Principal, rootCode?: string, includeExpired = false): Promise<UnitNode> {
    const root = await this.scope.resolveUnit(principal, rootCode ?? principal.unitCode);
    const rows = await this.prisma.administrativeUnit.findMany({
      where: { path: { startsWith: root.path }, ...(includeExpired ? {} : { validTo: null }) },
      orderBy: [{ depth: 'asc' }, { code: 'asc' }],
    });
    const nodes = new Map<string, UnitNode>();
    for (const row of rows) {
      nodes.set(row.id, {
        code: row.code,
        name: row.name,
        nameEn: row.nameEn,
        kind: row.kind,
        tier: row.tier,
        depth: row.depth,
        validFrom: row.validFrom.toISOString(),
        validTo: row.validTo?.toISOString() ?? null,
        children: [],
      });
    }
    for (const row of rows) if (row.parentId && row.id !== root.id) nodes.get(row.parentId)?.children.push(nodes.get(row.id)!);
    return nodes.get(root.id)!;
  }
}
