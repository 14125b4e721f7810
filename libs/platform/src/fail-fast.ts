import { ConfigValidationError } from '@ioc/config';
import { DependencyUnreachableError } from './dependency-check';
import { PortInUseError } from './port-holder';

/**
 * Start-up failures an operator can fix (bad config, a service down) are printed as one
 * line on stderr and exit with status 1; anything else is a bug and keeps its stack.
 */
export function exitOnStartupError(app: string, error: unknown): never {
  if (error instanceof DependencyUnreachableError || error instanceof ConfigValidationError || error instanceof PortInUseError) {
    process.stderr.write(`${app}: ${error.message}\n`);
  } else {
    process.stderr.write(`${app}: start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}
