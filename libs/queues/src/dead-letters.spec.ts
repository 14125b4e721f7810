import type { DeadLetterEntry } from '@ioc/contracts';
import { matchesDeadLetter, planRedrive } from './dead-letters';

const event = (key: string) => ({
  idempotencyKey: key,
  sourceId: 'src-a',
  stream: 'docs',
  unitCode: '51',
  occurredAt: '2026-11-20T03:00:00.000Z',
  kind: 'document.issued',
  kindClass: 'fact',
  values: {},
  attributes: {},
});
const entry = (fields: Partial<DeadLetterEntry>): DeadLetterEntry => ({
  reason: 'events[0]: unitCode: unknown unit 99999',
  fields: ['unitCode'],
  sourceId: 'src-a',
  stream: 'docs',
  stage: 'aggregator',
  raw: event('k1'),
  at: '2026-11-20T03:00:00.000Z',
  ...fields,
});

describe('dead-letter filters', () => {
  it('matches on source, stage, reason (case-insensitive), time range [from, to) and ids', () => {
    const letter = entry({});
    expect(matchesDeadLetter('1', letter, {})).toBe(true);
    expect(matchesDeadLetter('1', letter, { sourceId: 'src-a', stage: 'aggregator', reason: 'UNKNOWN UNIT' })).toBe(true);
    expect(matchesDeadLetter('1', letter, { sourceId: 'src-b' })).toBe(false);
    expect(matchesDeadLetter('1', letter, { stage: 'connector' })).toBe(false);
    expect(matchesDeadLetter('1', letter, { reason: 'occurredAt' })).toBe(false);
    expect(matchesDeadLetter('1', letter, { from: new Date('2026-11-20T03:00:00Z'), to: new Date('2026-11-20T03:00:01Z') })).toBe(true);
    expect(matchesDeadLetter('1', letter, { to: new Date('2026-11-20T03:00:00Z') })).toBe(false);
    expect(matchesDeadLetter('1', letter, { ids: ['2'] })).toBe(false);
  });
});

describe('planning a redrive', () => {
  it('batches events per source and stream and skips raw records with the reason', () => {
    const { batches, skipped } = planRedrive([
      { id: 'a', entry: entry({ raw: event('k1') }) },
      { id: 'b', entry: entry({ raw: event('k2') }) },
      { id: 'c', entry: entry({ stream: 'other', raw: event('k3') }) },
      { id: 'd', entry: entry({ stage: 'connector', raw: { so_hieu: '12/QĐ' } }) },
      { id: 'e', entry: entry({ raw: { events: 'not an array' } }) },
    ]);
    expect(batches.map((b) => [b.sourceId, b.stream, b.ids, b.events.map((e) => e.idempotencyKey)])).toEqual([
      ['src-a', 'docs', ['a', 'b'], ['k1', 'k2']],
      ['src-a', 'other', ['c'], ['k3']],
    ]);
    expect(skipped.map((s) => s.id)).toEqual(['d', 'e']);
    expect(skipped[0]?.why).toContain('backfill');
  });
});
