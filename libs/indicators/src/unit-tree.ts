import type { UnitTierName } from '@ioc/contracts';

export interface UnitNode {
  code: string;
  parentCode: string | null;
  tier: UnitTierName;
  validFrom: Date;
  validTo: Date | null;
  /** Code in the national list when the key differs (a former unit keyed "<code>@<last day>"). */
  officialCode?: string | null;
}

/** The administrative tree as data, of any depth; rollups walk it bottom-up. */
export class UnitTree {
  private readonly byCode = new Map<string, UnitNode>();
  /** Units keyed apart from their list code, by that code (resolveCode runs for every event). */
  private readonly byOfficialCode = new Map<string, UnitNode[]>();
  /** The last activeAt answer. */
  private active?: { at: number; units: readonly UnitNode[] };
  /** Codes ordered deepest first, so a child is always folded into its parent before the parent moves up. */
  private readonly bottomUp: string[];

  constructor(units: UnitNode[]) {
    for (const unit of units) {
      this.byCode.set(unit.code, unit);
      if (unit.officialCode) this.byOfficialCode.set(unit.officialCode, [...(this.byOfficialCode.get(unit.officialCode) ?? []), unit]);
    }
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

  /**
   * The key of the unit a source means by `code` at `at`: source systems keep the list's codes, and
   * the 2025 list reuses a former commune's code for the new one, so "21211" on 30 June 2025 is the
   * former xã Tịnh Khê ("21211@2025-06-30") and on 1 July the new one. Unknown codes come back as given.
   */
  resolveCode(code: string, at: Date): string {
    const inForce = (unit: UnitNode): boolean => unit.validFrom <= at && (unit.validTo === null || unit.validTo > at);
    const keyed = this.byCode.get(code);
    if (keyed && inForce(keyed)) return code;
    return this.byOfficialCode.get(code)?.find(inForce)?.code ?? code;
  }

  /** Units in existence at `at` (merged or abolished ones keep their rows but drop out). */
  activeAt(at: Date): readonly UnitNode[] {
    // Every indicator of a publish asks for the same instant.
    const ms = at.getTime();
    if (this.active?.at !== ms) {
      const units = this.units.filter((unit) => unit.validFrom.getTime() <= ms && (unit.validTo === null || unit.validTo.getTime() > ms));
      this.active = { at: ms, units };
    }
    return this.active.units;
  }

  /** Codes from the unit up to the root, the unit first. */
  ancestorsOf(code: string): string[] {
    const chain: string[] = [];
    for (let unit = this.byCode.get(code); unit; unit = unit.parentCode ? this.byCode.get(unit.parentCode) : undefined)
      chain.push(unit.code);
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
