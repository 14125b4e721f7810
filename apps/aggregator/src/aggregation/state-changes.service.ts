import { Injectable } from '@nestjs/common';

/**
 * Tells whoever listens (the publisher) that a batch changed the aggregation state, so values
 * go out on the leading edge instead of waiting for the next timer tick.
 */
@Injectable()
export class StateChangesService {
  private readonly listeners: (() => void)[] = [];

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }
}
