import { RE2JS, RE2JSException } from 're2js';

/** A user-supplied pattern that cannot be used; the message names the construct at fault. */
export class UnsafePatternError extends Error {
  constructor(
    readonly pattern: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnsafePatternError';
  }
}

/** Longest pattern and longest label a pattern is run against: bounds each evaluation. */
export const MAX_PATTERN_LENGTH = 500;
export const MAX_MATCHED_LABEL_LENGTH = 1024;
const CACHE_LIMIT = 1000;

export interface LabelPattern {
  /** True when the whole label matches. */
  test(label: string): boolean;
}

const compiled = new Map<string, LabelPattern>();

/**
 * Compiles a user-supplied regular expression on RE2 (re2js: matching time linear in the label,
 * no backtracking), so no pattern can stall the loop evaluating it. Constructs RE2 has no linear
 * algorithm for (backreferences, lookahead, lookbehind, possessive or huge repeats) are refused
 * with RE2's own message naming them. Compiled patterns are cached: silences are re-evaluated
 * every few seconds.
 */
export function compileLabelPattern(pattern: string): LabelPattern {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new UnsafePatternError(pattern, `pattern is ${pattern.length} characters, over the ${MAX_PATTERN_LENGTH}-character limit`);
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    if (error instanceof RE2JSException)
      throw new UnsafePatternError(pattern, `unsupported or invalid regular expression (RE2 syntax): ${error.message}`);
    throw error;
  }
  const labelPattern: LabelPattern = { test: (label) => label.length <= MAX_MATCHED_LABEL_LENGTH && regex.matches(label) };
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
  compiled.set(pattern, labelPattern);
  return labelPattern;
}
