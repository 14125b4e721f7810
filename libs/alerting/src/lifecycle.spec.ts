import { INACTIVE, step, type EvaluationState, type StepEvent } from './lifecycle';

const T0 = Date.parse('2026-11-23T01:00:00Z');
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
const timing = { forSeconds: 60, keepFiringSeconds: 120 };
const obs = (value: number) => ({ breached: value < 70, value, threshold: 70 });

/** Runs a series of (second, value | null) observations and returns the events in order. */
function run(series: [number, number | null][]): { events: StepEvent[]; state: EvaluationState } {
  let state = INACTIVE;
  const events: StepEvent[] = [];
  for (const [second, value] of series) {
    const result = step(state, value === null ? null : obs(value), at(second), timing);
    state = result.state;
    if (result.event) events.push(result.event);
  }
  return { events, state };
}

describe('alert lifecycle step', () => {
  it('fires once a breach is held for the pending duration, measured from its start', () => {
    const { events, state } = run([
      [0, 60],
      [30, 65],
      [59, 61],
      [60, null],
      [90, 50],
    ]);
    expect(events).toEqual(['pending', 'fired']);
    expect(state.phase).toBe('firing');
    expect(state.since).toBe(at(0).toISOString());
    expect(state.firedAt).toBe(at(60).toISOString());
  });

  it('drops a breach that clears before the pending duration, without firing', () => {
    expect(
      run([
        [0, 60],
        [30, 75],
        [100, null],
      ]).events,
    ).toEqual(['pending', 'cancelled']);
  });

  it('fires at once when the pending duration is zero', () => {
    expect(step(INACTIVE, obs(10), at(0), { forSeconds: 0, keepFiringSeconds: 0 }).event).toBe('fired');
  });

  it('never leaves pending while a value hovers around the line from the start', () => {
    const hovering: [number, number][] = [];
    for (let s = 0; s <= 600; s += 20) hovering.push([s, s % 40 === 0 ? 69 : 71]);
    expect(run(hovering).events.filter((e) => e === 'fired')).toEqual([]);
  });

  it('keeps firing while a value hovers around the line, and resolves only after keep-firing time clear', () => {
    const hovering: [number, number][] = [
      [0, 60],
      [60, 60],
    ];
    for (let s = 80; s <= 600; s += 20) hovering.push([s, s % 40 === 0 ? 69 : 71]);
    const { events, state } = run([...hovering, [700, 75], [819, null], [820, null]]);
    expect(events).toEqual(['pending', 'fired', 'resolved']);
    expect(state.phase).toBe('inactive');
  });

  it('uses the last observation when only time passes', () => {
    const pending = step(INACTIVE, obs(50), at(0), timing).state;
    expect(step(pending, null, at(59), timing).event).toBeNull();
    expect(step(pending, null, at(60), timing).event).toBe('fired');
  });
});
