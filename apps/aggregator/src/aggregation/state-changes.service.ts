import { Injectable } from '@nestjs/common';

/**
 * Tells whoever listens (the publisher) that a batch changed the aggregation state, and the event
 * kinds it held, so the values those kinds move go out on the leading edge instead of waiting for
 * the next full recompute.
 */
@Injectable()
export class StateChangesService {
  private readonly listeners: ((kinds: ReadonlySet<string>) => void)[] = [];

  onChange(listener: (kinds: ReadonlySet<string>) => void): void {
    this.listeners.push(listener);
  }

  changed(kinds: ReadonlySet<string>): void {
    for (const listener of this.listeners) listener(kinds);
  }
}
