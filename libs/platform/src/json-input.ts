/** Keys that reach Object.prototype or a constructor through a merge or class-transformer ("targetType is not a constructor"). */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a JSON text or value is refused before anything else reads it, with the path at fault. */
export class JsonInputError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'JsonInputError';
  }
}

/**
 * Nesting depth of a JSON text, found by scanning the bytes (strings skipped) before parsing,
 * so a body nested 100,000 levels is refused without building it. Stops counting past `limit`.
 */
export function jsonDepthExceeds(text: Buffer | string, limit: number): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c)
        i += 1; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth -= 1;
  }
  return false;
}

/**
 * Checks a parsed JSON value (an HTTP body or a socket message) iteratively, so no depth can
 * overflow the stack: at most `maxDepth` levels, and no prototype-polluting key anywhere.
 * Throws JsonInputError naming the path.
 */
export function checkJsonValue(value: unknown, maxDepth: number): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) throw new JsonInputError(`JSON nested deeper than ${maxDepth} levels at ${path || '(root)'}`, path);
    const entries: [string, unknown][] = Array.isArray(current)
      ? current.map((item, index) => [String(index), item])
      : Object.entries(current);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key))
        throw new JsonInputError(`"${key}" is not allowed as a key (prototype pollution) at ${childPath}`, childPath);
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
}
