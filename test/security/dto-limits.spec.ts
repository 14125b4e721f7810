import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getMetadataStorage } from 'class-validator';

const ROOT = join(__dirname, '..', '..');
/** Constraints that bound a string's length (directly, or by allowing only short well-formed values). */
const STRING_BOUNDS = new Set(['maxLength', 'isLength', 'matches', 'isIn', 'isUuid', 'isIso8601', 'isEmail', 'isUrl', 'isEnum']);

function dtoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : dtoFiles(path);
    return /\/dto\/[^/]+\.dto\.ts$/.test(path) ? [path] : [];
  });
}

/**
 * Every DTO of every app (gateway, connectors, simulator): each string property carries a length
 * bound and each array property an ArrayMaxSize, so no single field can carry megabytes past the
 * validation (the body limit bounds the whole; this bounds each part).
 */
describe('DTO length limits (issue 13 deliverable 5)', () => {
  const classes: { where: string; dto: new () => object }[] = [];
  beforeAll(async () => {
    for (const file of ['gateway', 'connectors', 'simulator'].flatMap((app) => dtoFiles(join(ROOT, 'apps', app, 'src')))) {
      for (const [name, dto] of Object.entries((await import(file)) as Record<string, unknown>)) {
        if (typeof dto === 'function' && /Dto$/.test(name))
          classes.push({ where: `${relative(ROOT, file)} ${name}`, dto: dto as new () => object });
      }
    }
  });

  it('finds the DTOs of all three apps', () => {
    expect(classes.length).toBeGreaterThan(25);
  });

  it('bounds every string and every array', () => {
    const unbounded: string[] = [];
    for (const { where, dto } of classes) {
      const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
      const byProperty = new Map<string, typeof metadata>();
      for (const entry of metadata) byProperty.set(entry.propertyName, [...(byProperty.get(entry.propertyName) ?? []), entry]);
      for (const [property, entries] of byProperty) {
        const names = (each: boolean) => new Set(entries.filter((e) => (e.each ?? false) === each).map((e) => e.name ?? e.type));
        for (const each of [false, true]) {
          if (names(each).has('isString') && ![...names(each)].some((name) => STRING_BOUNDS.has(name)))
            unbounded.push(`${where}.${property}${each ? '[]' : ''}: string without a length bound`);
        }
        const isArray = entries.some((e) => e.name === 'isArray' || e.each === true);
        if (isArray && !entries.some((e) => e.name === 'arrayMaxSize')) unbounded.push(`${where}.${property}: array without ArrayMaxSize`);
      }
    }
    expect(unbounded).toEqual([]);
  });
});
