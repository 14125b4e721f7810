import type { SourceHealthUpdate } from '@ioc/contracts';
import type { Source } from './generated/prisma/client';

/** What displays are told about a source: the connectors after each pull, the gateway to a display that connects. */
export function sourceHealthOf(
  source: Pick<Source, 'id' | 'health' | 'lastSuccessAt' | 'lastErrorAt' | 'lastError' | 'lagSeconds' | 'deadLetterCount'>,
): SourceHealthUpdate {
  return {
    sourceId: source.id,
    status: source.health,
    lastSuccessAt: source.lastSuccessAt?.toISOString() ?? null,
    lastErrorAt: source.lastErrorAt?.toISOString() ?? null,
    lastError: source.lastError,
    lagSeconds: source.lagSeconds,
    deadLetterCount: source.deadLetterCount,
  };
}
