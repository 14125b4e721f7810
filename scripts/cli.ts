import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigValidationError } from '@ioc/config';
import { DependencyUnreachableError } from '@ioc/platform';

/** A mistake in how an operator script was called: printed with the usage, exit status 2. */
export class UsageError extends Error {}

/** An operator's request the data cannot satisfy (unknown id, nothing to do): one line, exit status 1. */
export class OperatorError extends Error {}

/** Options and positionals of an operator script; unknown or malformed options are usage errors. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** An ISO-8601 date or date-time named by option `name`; a bare date is local midnight in Vietnam (UTC+7). */
export function parseInstant(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+07:00` : value;
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--${name}: "${value}" is not an ISO-8601 date (2026-11-20) or date-time (2026-11-20T08:00:00+07:00)`);
  return date;
}

export function parseCount(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0 || count > max)
    throw new UsageError(`--${name}: "${value}" must be a whole number from 0 to ${max}`);
  return count;
}

/** Runs an operator script: errors an operator can fix are one line on stderr, bugs keep their stack. */
export function runOperatorScript(name: string, usage: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${name}: ${error.message}\n\n${usage}\n`);
        process.exit(2);
      }
      if (error instanceof OperatorError || error instanceof ConfigValidationError || error instanceof DependencyUnreachableError) {
        process.stderr.write(`${name}: ${error.message}\n`);
      } else {
        process.stderr.write(`${name}: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
      process.exit(1);
    },
  );
}
