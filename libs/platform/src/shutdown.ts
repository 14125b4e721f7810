/**
 * Nest's shutdown hooks finish in-flight work on SIGTERM/SIGINT; this bounds how long
 * that may take, so a stuck job or socket cannot keep a stopping process alive forever.
 */
export function forceExitAfter(timeoutSeconds: number): void {
  const arm = (): void => {
    setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${timeoutSeconds}s, exiting\n`);
      process.exit(1);
    }, timeoutSeconds * 1000).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
