import { createHash } from 'node:crypto';

/** Alertmanager's notification timing for one group. */
export interface GroupTimings {
  /** Wait before the first message of a new group, to collect alerts firing together. */
  groupWaitSeconds: number;
  /** Wait after a message before sending an update for a changed group. */
  groupIntervalSeconds: number;
  /** Wait before repeating an unchanged group that still fires. */
  repeatIntervalSeconds: number;
}

export interface GroupState {
  firstSeenAt: string;
  lastFlushAt: string | null;
  /** Digest of the alert set last notified. */
  lastDigest: string | null;
  /** Number of messages sent for this group; part of each delivery's dedupe key. */
  seq: number;
}

/** Order-independent digest of a group's alert ids. */
export const groupDigest = (alertIds: string[]): string =>
  createHash('sha256')
    .update([...alertIds].sort().join(','))
    .digest('hex')
    .slice(0, 32);

const since = (iso: string, now: Date): number => (now.getTime() - Date.parse(iso)) / 1000;

/** Whether a (non-empty) group should be notified now. */
export function groupFlushDue(state: GroupState, digest: string, now: Date, timings: GroupTimings): boolean {
  if (state.lastFlushAt === null) return since(state.firstSeenAt, now) >= timings.groupWaitSeconds;
  if (digest !== state.lastDigest) return since(state.lastFlushAt, now) >= timings.groupIntervalSeconds;
  return since(state.lastFlushAt, now) >= timings.repeatIntervalSeconds;
}
