import type { UnitTierName } from '@ioc/contracts';

export interface UnitNode {
  code: string;
  parentCode: string | null;
  tier: UnitTierName;
  validFrom: Date;
  validTo: Date | null;
}

/** The administrative tree as data, of any depth; rollups walk it bottom-up. */
export class UnitTree {
  private readonly byCode = new Map<string, UnitNode>();
  /** Codes ordered deepest first, so a child is always folded into its parent before the parent moves up. */
  private readonly bottomUp: string[];

  constructor(units: UnitNode[]) {
    for (const unit of units) this.byCode.set(unit.code, unit);
    const depth = new Map<string, number>();
    const depthOf = (code: string, seen = new Set<string>()): number => {
      const known = depth.get(code);
      if (known !== undefined) return known;
      if (seen.has(code)) throw new Error(`Unit tree has a cycle through ${code}`);
      seen.add(code);
      const parent = this.byCode.get(code)?.parentCode;
      const value = parent && this.byCode.has(parent) ? depthOf(parent, seen) + 1 : 0;
      depth.set(code, value);
      return value;
    };
    this.bottomUp = [...this.byCode.keys()].sort((a, b) => depthOf(b) - depthOf(a));
  }

  get(code: string): UnitNode | undefined {
    return this.byCode.get(code);
  }

  get units(): UnitNode[] {
    return [...this.byCode.values()];
  }

  /** Units in existence at `at` (merged or abolished ones keep their rows but drop out). */
  activeAt(at: Date): UnitNode[] {
    return this.units.filter((unit) => unit.validFrom <= at && (unit.validTo === null || unit.validTo > at));
  }

  /** Codes from the unit up to the root, the unit first. */
  ancestorsOf(code: string): string[] {
    const chain: string[] = [];
    for (let unit = this.byCode.get(code); unit; unit = unit.parentCode ? this.byCode.get(unit.parentCode) : undefined) chain.push(unit.code);
    return chain;
  }

  /**
   * Subtree totals: each unit's own recorded amount plus everything below it. `present` says
   * whether anything at all was recorded in the subtree (a gauge nobody reported is N/A, not 0).
   */
  subtreeTotals(own: ReadonlyMap<string, number>): { total: Map<string, number>; present: Set<string> } {
    const total = new Map<string, number>();
    const present = new Set<string>();
    for (const [code, amount] of own) {
      if (!this.byCode.has(code)) continue;
      total.set(code, amount);
      present.add(code);
    }
    for (const code of this.bottomUp) {
      const parent = this.byCode.get(code)!.parentCode;
      if (!parent || !this.byCode.has(parent) || !present.has(code)) continue;
      total.set(parent, (total.get(parent) ?? 0) + total.get(code)!);
      present.add(parent);
    }
    return { total, present };
  }
}
