/// <reference types="jest" />
import { DEFAULT_EVENT_LIMITS, type EventCatalog } from '@ioc/indicators';
import type { Connector } from './connector';
import { validateAgainstSchema } from './config-validation';
import { ConnectorConfigError } from './errors';
import { HttpClient, type HttpClientOptions } from './http-client';
import { runRead, type ValidatedBatch } from './read-runner';

export interface ConformanceOptions {
  connector: Connector;
  /** Plain config and credentials that work against the (simulated or recorded) source. */
  config: () => unknown;
  credentials: () => unknown;
  /** Credentials the source refuses. */
  badCredentials: () => unknown;
  /** Config whose source cannot be reached (e.g. a closed port). */
  unreachableConfig: () => unknown;
  /** Configs that must be refused, each with the field the error must name. */
  invalidConfigs: { config: unknown; field: string }[];
  /** Stream to read; the source must hold at least two pages of it and not change during the suite. */
  stream: string;
  /** Units and indicators the aggregator knows: events are judged by its rule (see seedEventCatalog in @ioc/persistence). */
  catalog: EventCatalog;
  sourceId?: string;
}

/** Fast-failing HTTP for the kit: one attempt, short timeout, a breaker that never trips. */
const KIT_HTTP: HttpClientOptions = {
  timeoutMs: 5_000,
  maxAttempts: 1,
  backoffInitialMs: 1,
  backoffMaxMs: 1,
  breakerThreshold: 1_000,
  breakerHalfOpenAfterMs: 1_000,
};

/**
 * Jest suite every connector must pass: config validation, `check` reporting auth and network
 * failures as such, deterministic idempotency keys, cursor advance, and no event lost or
 * repeated when a read is interrupted and resumed. Call it at the top level of a spec file.
 */
export function describeConnectorConformance(options: ConformanceOptions): void {
  const { connector, stream, catalog } = options;
  const sourceId = options.sourceId ?? '00000000-0000-4000-8000-00000000c0de';
  const typed = () => ({
    config: validateAgainstSchema(connector.spec.configSchema, options.config(), 'config'),
    credentials: validateAgainstSchema(connector.spec.credentialsSchema, options.credentials(), 'credentials'),
  });
  const read = async (cursor: string | null, maxBatches = Infinity): Promise<{ batches: ValidatedBatch[]; cursor: string | null }> => {
    const batches: ValidatedBatch[] = [];
    let last = cursor;
    for await (const batch of runRead({
      connector,
      sourceId,
      stream,
      ...typed(),
      cursor,
      http: new HttpClient(KIT_HTTP),
      validation: { ...catalog, limits: DEFAULT_EVENT_LIMITS, now: new Date() },
    })) {
      batches.push(batch);
      last = batch.cursor ?? last;
      if (batches.length >= maxBatches) break;
    }
    return { batches, cursor: last };
  };
  const keys = (batches: ValidatedBatch[]): string[] => batches.flatMap((b) => b.events.map((e) => e.idempotencyKey));

  describe(`connector conformance: ${connector.spec.id}@${connector.spec.version}`, () => {
    it('declares an id, a semver version, a valid schedule and the stream under test', () => {
      expect(connector.spec.id).toMatch(/^[a-z][a-z0-9-]{1,63}$/);
      expect(connector.spec.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(connector.spec.defaultSchedule).toMatch(/^(every:\d+|cron:.+)$/);
      expect(connector.discover(typed().config).map((s) => s.name)).toContain(stream);
    });

    it('accepts the valid config and refuses each invalid one naming the field', () => {
      expect(() => typed()).not.toThrow();
      for (const { config, field } of options.invalidConfigs) {
        let error: unknown;
        try {
          validateAgainstSchema(connector.spec.configSchema, config, 'config');
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(ConnectorConfigError);
        expect((error as ConnectorConfigError).fields.map((f) => f.field)).toContain(field);
      }
    });

    it('check succeeds, and reports refused credentials as "auth" and an unreachable source as "network"', async () => {
      const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
      const http = new HttpClient(KIT_HTTP);
      const { config, credentials } = typed();
      await expect(connector.check({ sourceId, config, credentials, http, logger })).resolves.toEqual({ ok: true });
      const bad = validateAgainstSchema(connector.spec.credentialsSchema, options.badCredentials(), 'credentials');
      await expect(connector.check({ sourceId, config, credentials: bad, http, logger })).resolves.toMatchObject({
        ok: false,
        kind: 'auth',
      });
      const unreachable = validateAgainstSchema(connector.spec.configSchema, options.unreachableConfig(), 'config');
      const result = await connector.check({ sourceId, config: unreachable, credentials, http: new HttpClient(KIT_HTTP), logger });
      expect(result).toMatchObject({ ok: false });
      expect(['network', 'timeout']).toContain((result as { kind: string }).kind);
    });

    it('emits only valid events with deterministic, unique idempotency keys', async () => {
      const first = await read(null);
      const second = await read(null);
      expect(first.batches.length).toBeGreaterThan(1);
      expect(first.batches.flatMap((b) => b.refused)).toEqual([]);
      const firstKeys = keys(first.batches);
      expect(firstKeys.length).toBeGreaterThan(0);
      expect(new Set(firstKeys).size).toBe(firstKeys.length);
      expect(keys(second.batches)).toEqual(firstKeys);
    });

    it('advances the cursor: a read from the final cursor yields nothing new', async () => {
      const full = await read(null);
      expect(full.cursor).not.toBeNull();
      const again = await read(full.cursor);
      expect(keys(again.batches)).toEqual([]);
    });

    it('loses and repeats nothing when a read is interrupted after a batch and resumed from its cursor', async () => {
      const full = keys((await read(null)).batches);
      const interrupted = await read(null, 1);
      const resumed = await read(interrupted.cursor);
      const before = keys(interrupted.batches);
      const after = keys(resumed.batches);
      expect(before.length).toBeGreaterThan(0);
      expect(after.filter((key) => before.includes(key))).toEqual([]);
      expect([...before, ...after].sort()).toEqual([...full].sort());
    });
  });
}
