import { PeriodicTask } from './periodic-task';

/** Work whose runs the test finishes by hand. */
function manualWork(): { runs: number; finish: () => void; fail: (error: Error) => void; work: () => Promise<void> } {
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const control = {
    runs: 0,
    finish: () => settle?.resolve(),
    fail: (error: Error) => settle?.reject(error),
    work: () =>
      new Promise<void>((resolve, reject) => {
        control.runs += 1;
        settle = { resolve, reject };
      }),
  };
  return control;
}

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('never runs twice at once: ticks during a run are skipped, runNow joins it', async () => {
    const control = manualWork();
    const task = new PeriodicTask('sweep', 100, control.work, { error: () => undefined });
    task.start();
    jest.advanceTimersByTime(100);
    expect(control.runs).toBe(1);
    jest.advanceTimersByTime(500);
    const joined = task.runNow();
    expect(control.runs).toBe(1);
    control.finish();
    await joined;
    expect(task.isRunning).toBe(false);
    jest.advanceTimersByTime(100);
    expect(control.runs).toBe(2);
    control.finish();
    await task.stop();
  });

  it('logs a failed run with its name and runs again on the next tick', async () => {
    const control = manualWork();
    const errors: string[] = [];
    const task = new PeriodicTask('Catalog reload', 100, control.work, { error: (message) => errors.push(message) });
    task.start();
    jest.advanceTimersByTime(100);
    control.fail(new Error('Postgres is away'));
    await task.runNow();
    expect(errors).toEqual(['Catalog reload failed: Postgres is away']);
    jest.advanceTimersByTime(100);
    expect(control.runs).toBe(2);
    control.finish();
    await task.stop();
  });

  it('stop() waits for the run in progress and ends the ticks', async () => {
    const control = manualWork();
    const task = new PeriodicTask('publish', 100, control.work, { error: () => undefined });
    task.start();
    jest.advanceTimersByTime(100);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    control.finish();
    await stopping;
    jest.advanceTimersByTime(1000);
    expect(control.runs).toBe(1);
  });
});
