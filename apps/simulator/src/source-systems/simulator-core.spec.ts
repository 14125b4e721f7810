import { NO_FAULTS, SimulatorCore, type SystemName } from './simulator-core';

const NOW = new Date('2026-11-23T16:00:00+07:00'); // a Monday afternoon, after a weekend
const core = (seed = 'spec') =>
  new SimulatorCore({ seed, historyDays: 4, now: () => NOW, token: 'token-123', maxPageSize: 500, faults: NO_FAULTS });
const localHour = (iso: string): number => Number(iso.slice(11, 13)) + Number(iso.slice(14, 16)) / 60;
const localWeekday = (iso: string): number => new Date(`${iso.slice(0, 10)}T12:00:00Z`).getUTCDay();

describe('SimulatorCore', () => {
  it('serves the same data for the same seed, and other data for another seed', () => {
    const a = core().list('dvc', 'dossiers', { page: 1, pageSize: 500 });
    expect(core().list('dvc', 'dossiers', { page: 1, pageSize: 500 })).toEqual(a);
    expect(core('other').list('dvc', 'dossiers', { page: 1, pageSize: 500 }).data).not.toEqual(a.data);
  });

  it('follows a working day: documents are created in office hours on weekdays, and none at the weekend', () => {
    const documents = core()
      .list('ioffice', 'documents', { page: 1, pageSize: 500 })
      .data.map((d) => String(d.ngayTao));
    expect(documents.length).toBeGreaterThan(50);
    for (const created of documents) {
      const hour = localHour(created);
      expect([1, 2, 3, 4, 5]).toContain(localWeekday(created));
      expect((hour >= 7.5 && hour < 11.5) || (hour >= 13.5 && hour < 17)).toBe(true);
    }
  });

  it('pages by a strict updatedSince cursor without skipping or repeating a record', () => {
    const sim = core();
    for (const [system, resource] of [
      ['ioffice', 'documents'],
      ['dvc', 'dossiers'],
      ['his', 'facility-reports'],
    ] as [SystemName, string][]) {
      const all: string[] = [];
      for (let page = 1; ; page += 1) {
        const { data } = sim.list(system, resource, { page, pageSize: 500 });
        all.push(...data.map((r) => JSON.stringify(r)));
        if (data.length < 500) break;
      }
      const seen: string[] = [];
      let since: number | undefined;
      for (;;) {
        const page = sim.list(system, resource, { updatedSince: since, page: 1, pageSize: 7 });
        if (page.data.length === 0) break;
        seen.push(...page.data.map((r) => JSON.stringify(r)));
        since = Date.parse(String(page.data.at(-1)!.updatedAt));
      }
      expect(seen).toEqual(all);
    }
  });

  it('totals its ground truth from its facts and only counts what happened by now', () => {
    const truth = core().groundTruth('dvc');
    expect(truth.totals['dossier.received']!.events).toBe(truth.facts.filter((f) => f.kind === 'dossier.received').length);
    for (const fact of truth.facts) expect(Date.parse(fact.occurredAt)).toBeLessThanOrEqual(NOW.getTime());
    expect(truth.totals['dossier.resolved']!.events).toBeLessThan(truth.totals['dossier.received']!.events);
  });
});
