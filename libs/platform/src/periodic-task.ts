/** Where a PeriodicTask reports a failed run: the owner's Nest logger. */
export interface TaskLogger {
  error(message: string): void;
}

export interface PeriodicTaskOptions {
  /** Do not keep the process alive for this timer alone (a housekeeping sweep). */
  unref?: boolean;
}

/**
 * Runs `work` every `intervalMs` and on demand, never two runs at once: a tick that finds the
 * previous run still going is skipped, and runNow() during a run joins it. A failed run is logged
 * and the next one happens as planned. stop() clears the timer and waits for a run in progress,
 * so shutdown never cuts one in half. The one timer loop of the apps.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: TaskLogger,
    private readonly options: PeriodicTaskOptions = {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runNow(), this.intervalMs);
    if (this.options.unref) this.timer.unref();
  }

  /** Runs the work now, or joins the run in progress; resolves when that run has ended (never rejects). */
  runNow(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.work();
      } catch (error) {
        this.logger.error(`${this.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
