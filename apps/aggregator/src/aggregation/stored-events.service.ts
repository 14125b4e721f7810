import { Injectable } from '@nestjs/common';
import { formulaTerms, MemoryState, windowStart, type IndicatorDefinitionData } from '@ioc/indicators';
import { fromSourceEventRow, PrismaService } from '@ioc/persistence';

/** The aggregation state of a past instant, rebuilt from the events kept in source_events. */
@Injectable()
export class StoredEventsService {
  constructor(private readonly prisma: PrismaService) {}

  /** State holding the events one definition's window covers at `at` (the same core as the live path reads). */
  async stateAt(definition: IndicatorDefinitionData, at: Date): Promise<MemoryState> {
    const terms = formulaTerms(definition.formula, definition.window);
    const all = [...terms.numerator, ...terms.denominator];
    // Standing terms (a stock's newest reading) and a count's presence read since ever; the rest the window.
    const sinceEver = [...new Set(all.filter((t) => t.granularities[0] === 'all').map((t) => t.filter.kind))];
    const windowed = [...new Set(all.map((t) => t.filter.kind))].filter((kind) => !sinceEver.includes(kind));
    const rows = await this.prisma.sourceEvent.findMany({
      where: {
        OR: [
          { kind: { in: windowed }, occurredAt: { gte: windowStart(definition.window, at), lte: at } },
          { kind: { in: sinceEver }, occurredAt: { lte: at } },
        ],
      },
      orderBy: { id: 'asc' },
    });
    const state = new MemoryState([...terms.numerator, ...terms.denominator]);
    state.apply(rows.map(fromSourceEventRow), at.getTime());
    return state;
  }
}
