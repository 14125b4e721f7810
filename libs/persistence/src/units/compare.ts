/** JSON text with object keys sorted: jsonb does not keep key order, so compare this. */
export function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object' && value !== null && 'toFixed' in value) return JSON.stringify(Number(value));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** True when any field of `desired` differs from the stored row (dates, decimals and JSON compared by value). */
export const differs = (existing: Record<string, unknown>, desired: Record<string, unknown>): boolean =>
  Object.entries(desired).some(([key, value]) => canonical(existing[key]) !== canonical(value));
