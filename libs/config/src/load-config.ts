import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** Thrown at start-up when the environment does not satisfy an app's config schema. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    ),
  );
}

/** Environment values are strings: a field whose default is a number or boolean gets one. */
function coerce(value: string, like: unknown): unknown {
  if (typeof like === 'number' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (typeof like === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * Builds an app's typed config from environment variables. The schema class names its
 * fields after the variables, declares defaults (and so types) as property initialisers and
 * validates with class-validator; unknown variables are ignored, missing ones take the
 * default. This is the only place that reads process.env.
 */
export function loadConfig<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new schema() as Record<string, unknown>;
  const defined = Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
      .map(([name, value]) => [name, coerce(value, defaults[name])]),
  );
  const config = plainToInstance(schema, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));
  return config;
}
