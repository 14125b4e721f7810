/**
 * The evaluation state of one fingerprint (rule × unit, or rule × source) and its pure step
 * function. inactive → pending (breach seen) → firing (breach held forSeconds) → inactive
 * (condition clear for keepFiringSeconds). A pending breach that clears is dropped without an
 * alert; a firing one that clears briefly keeps firing, so a value hovering at the line does not flap.
 */
export type Phase = 'inactive' | 'pending' | 'firing';

export interface EvaluationState {
  phase: Phase;
  /** Last evaluated condition; time-driven steps reuse it. */
  breached: boolean;
  value: number | null;
  threshold: number | null;
  /** ISO time the current breach began (start of pending). */
  since: string | null;
  firedAt: string | null;
  lastBreachAt: string | null;
  /** Id of the open alert while firing. */
  alertId: string | null;
}

export const INACTIVE: EvaluationState = {
  phase: 'inactive',
  breached: false,
  value: null,
  threshold: null,
  since: null,
  firedAt: null,
  lastBreachAt: null,
  alertId: null,
};

export type StepEvent = 'pending' | 'fired' | 'cancelled' | 'resolved' | null;

export interface StepTiming {
  forSeconds: number;
  keepFiringSeconds: number;
}

export interface Observation {
  breached: boolean;
  value: number | null;
  threshold: number | null;
}

const elapsedSeconds = (fromIso: string, now: Date): number => (now.getTime() - Date.parse(fromIso)) / 1000;

/**
 * Advances the state with an observation (a new value) or, when `observation` is null, with the
 * passage of time alone (the last condition still holds).
 */
export function step(
  state: EvaluationState,
  observation: Observation | null,
  now: Date,
  timing: StepTiming,
): { state: EvaluationState; event: StepEvent } {
  const nowIso = now.toISOString();
  const seen = observation ?? { breached: state.breached, value: state.value, threshold: state.threshold };
  const base: EvaluationState = { ...state, breached: seen.breached, value: seen.value, threshold: seen.threshold };

  if (seen.breached) {
    const lastBreachAt = nowIso;
    if (state.phase === 'firing') return { state: { ...base, lastBreachAt }, event: null };
    const since = state.phase === 'pending' && state.since ? state.since : nowIso;
    if (elapsedSeconds(since, now) >= timing.forSeconds) {
      return { state: { ...base, phase: 'firing', since, firedAt: nowIso, lastBreachAt }, event: 'fired' };
    }
    return { state: { ...base, phase: 'pending', since, lastBreachAt }, event: state.phase === 'pending' ? null : 'pending' };
  }

  switch (state.phase) {
    case 'pending':
      return { state: { ...INACTIVE, value: seen.value, threshold: seen.threshold }, event: 'cancelled' };
    case 'firing':
      if (elapsedSeconds(state.lastBreachAt ?? nowIso, now) >= timing.keepFiringSeconds) {
        return { state: { ...INACTIVE, value: seen.value, threshold: seen.threshold }, event: 'resolved' };
      }
      return { state: base, event: null };
    default:
      return { state: base, event: null };
  }
}
