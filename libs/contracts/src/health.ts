export type SourceHealthStatus = 'UNKNOWN' | 'OK' | 'DEGRADED' | 'DOWN';

export interface SourceHealthUpdate {
  sourceId: string;
  status: SourceHealthStatus;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  lagSeconds: number | null;
  deadLetterCount: number;
}
