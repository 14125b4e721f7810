import type { IndicatorUpdate } from '@ioc/contracts';

export interface StreamPosition {
  epoch: string;
  seq: number;
}

/**
 * What a client that last saw `position` of one stream must receive: the updates it missed in
 * order, or 'reset' (send a fresh snapshot flagged as such) when they cannot all be proven to be
 * there: other epoch, position trimmed from the stream, or the stream lagging the latest value.
 * `entries` are that stream's entries still in Redis, oldest first.
 */
export function planResume(
  position: StreamPosition,
  latest: IndicatorUpdate | undefined,
  entries: IndicatorUpdate[],
): IndicatorUpdate[] | 'reset' {
  if (!latest || latest.epoch !== position.epoch || latest.seq < position.seq) return 'reset';
  if (latest.seq === position.seq) return [];
  const sameEpoch = entries.filter((update) => update.epoch === position.epoch);
  const missed = sameEpoch.filter((update) => update.seq > position.seq);
  const joinsUp = sameEpoch.some((update) => update.seq === position.seq) || missed[0]?.seq === position.seq + 1;
  if (!joinsUp || missed.length === 0 || missed.at(-1)?.seq !== latest.seq) return 'reset';
  return missed;
}

/** True when `update` comes after what the client holds for its stream. */
export const isNewer = (update: IndicatorUpdate, held: StreamPosition | null): boolean =>
  held === null || update.epoch !== held.epoch || update.seq > held.seq;
