import { emit, type ReadBatch, type ReadContext } from './connector';
import { SourceError } from './errors';

export interface UpdatedSinceReadOptions {
  context: ReadContext<unknown, unknown>;
  /** Full URL of the collection. */
  url: string;
  headers: Record<string, string>;
  pageSize: number;
  /** Record field holding the change instant the cursor follows (ISO-8601). */
  cursorField: string;
  /** Maps one record to candidate events (may throw: the record is dead-lettered). */
  map: (record: unknown) => unknown[] | Promise<unknown[]>;
  /**
   * "cursor": each request asks for changes after the last record read (keyset paging; safe
   * when records move while paging). "page": page numbers over a fixed updatedSince.
   */
  paging?: 'cursor' | 'page';
  params?: { since?: string; page?: string; pageSize?: string };
  /** Where the records are in the response body (a top-level property) and whether more follow. */
  itemsField?: string;
  hasMoreField?: string;
}

/**
 * Reads a collection served as `?updatedSince=<instant>&page=<n>&pageSize=<n>`, oldest change
 * first, the way the simulated (and many real) systems do. One batch per page; its cursor is
 * the change instant of its last record. A backfill (context.range) reads [from, to) only.
 */
export async function* readUpdatedSince(options: UpdatedSinceReadOptions): AsyncGenerator<ReadBatch> {
  const { context, cursorField, paging = 'cursor' } = options;
  const names = { since: 'updatedSince', page: 'page', pageSize: 'pageSize', ...options.params };
  const itemsField = options.itemsField ?? 'data';
  const hasMoreField = options.hasMoreField ?? 'hasMore';
  const until = context.range?.to.getTime();
  let since = context.range ? new Date(context.range.from.getTime() - 1).toISOString() : context.cursor;
  let page = 1;
  while (!context.signal.aborted) {
    const body = await context.http.json<Record<string, unknown>>(options.url, {
      headers: options.headers,
      query: { [names.since]: since ?? undefined, [names.page]: page, [names.pageSize]: options.pageSize },
    });
    const items = body[itemsField];
    if (!Array.isArray(items)) throw new SourceError('payload', `response has no "${itemsField}" array`);
    if (items.length === 0) return;
    let cursor: string | null = null;
    const records = [];
    let reachedEnd = false;
    for (const item of items) {
      const at = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[cursorField] : undefined;
      const atMs = typeof at === 'string' ? Date.parse(at) : Number.NaN;
      if (until !== undefined && atMs >= until) {
        reachedEnd = true;
        break;
      }
      if (!Number.isNaN(atMs)) cursor = at as string;
      records.push(await emit(item, options.map));
    }
    if (cursor === null && !reachedEnd) {
      throw new SourceError('payload', `no record of the page carries a valid "${cursorField}": cannot advance the cursor`);
    }
    yield { records, cursor: cursor ?? since };
    if (reachedEnd || body[hasMoreField] === false) return;
    if (paging === 'cursor') since = cursor;
    else page += 1;
  }
}
