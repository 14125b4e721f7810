import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { resolveUnitList, UnitListError, type ResolvedUnit, type UnitList } from './unit-list';

/** The official list of the reference province, relative to the project root. */
export const QUANG_NGAI_UNIT_LIST_FILE = 'prisma/seed/units/quang-ngai-2025.json';

/** Reads and checks a unit list file (JSON, see prisma/seed/units/README.md). */
export function readUnitListFile(file: string): { list: UnitList; units: ResolvedUnit[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UnitListError(file, [`cannot read it as JSON: ${(error as Error).message}`]);
  }
  return resolveUnitList(parsed, file);
}

/** The project root: the nearest folder above this file holding the reference list (works from src and from dist). */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, QUANG_NGAI_UNIT_LIST_FILE))) return dir;
    if (dirname(dir) === dir) throw new Error(`${QUANG_NGAI_UNIT_LIST_FILE} not found above ${__dirname}`);
  }
}

let reference: { list: UnitList; units: ResolvedUnit[] } | undefined;

/** The merged Quảng Ngãi (from 2025-07-01) with the Quảng Ngãi and Kon Tum trees before it, from the official lists. */
export function quangNgaiUnitList(): { list: UnitList; units: ResolvedUnit[] } {
  reference ??= readUnitListFile(resolve(projectRoot(), QUANG_NGAI_UNIT_LIST_FILE));
  return reference;
}
