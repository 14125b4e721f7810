import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type EventBatchJob, QueueName, streamKey } from '@ioc/contracts';
import { loadConfig } from '@ioc/config';
import { MetricsServer } from '@ioc/platform';
import { AppModule as AggregatorModule } from '../../apps/aggregator/src/app.module';
import { CLOCK, type Clock } from '../../apps/aggregator/src/clock/clock';
import { AggregatorConfig } from '../../apps/aggregator/src/config/aggregator-config';
import {
  connect,
  createBacking,
  PROVINCE_KEY,
  startGateway,
  type Backing,
  type LiveClient,
  type RunningGateway,
} from '../gateway/gateway-harness';
import {
  PROJECT_ROOT,
  SIMULATED_NOW,
  SIMULATOR_TOKEN,
  connectorsEnv,
  createSource,
  startConnectors,
  startSimulator,
  waitFor,
  type RunningConnectors,
  type RunningSimulator,
} from '../support';
import { exposedNames, metricNamesOf, sampleValue } from './promql';

jest.setTimeout(120_000);

interface GrafanaDashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

const scrape = async (url: string): Promise<string> => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
};

describe('Prometheus metrics of every app, and the Grafana dashboard over them', () => {
  let backing: Backing;
  let simulator: RunningSimulator;
  let connectors: RunningConnectors;
  let aggregator: INestApplicationContext;
  let gateway: RunningGateway;
  let client: LiveClient | undefined;
  let urls: { gateway: string; aggregator: string; connectors: string };

  beforeAll(async () => {
    backing = await createBacking();
    // A rule that any value of the province breaks: evaluations and a firing alert to count.
    await backing.prisma.alertRule.create({
      data: {
        name: 'Ký số dưới 200 %',
        kind: 'THRESHOLD_BELOW',
        indicatorId: 'doc.signed_pct',
        params: { threshold: 200 },
        severity: 'MAJOR',
        scope: { unitCodes: ['51'] },
        forSeconds: 0,
        keepFiringSeconds: 0,
      },
    });
    simulator = await startSimulator();
    connectors = await startConnectors(connectorsEnv(backing.db, backing.redis));
    // The simulator serves its world as of SIMULATED_NOW: the aggregator's clock runs from there, so
    // this month's indicators (doc.signed_pct) hold the simulator's documents whatever today's date is.
    const startedAt = Date.now();
    const simulatedClock: Clock = { now: () => new Date(SIMULATED_NOW.getTime() + Date.now() - startedAt) };
    aggregator = await Test.createTestingModule({
      imports: [
        AggregatorModule.forRoot(
          loadConfig(AggregatorConfig, {
            DATABASE_URL: backing.db.url,
            REDIS_URL: backing.redis.url,
            REDIS_PREFIX: backing.redis.prefix,
            LOG_LEVEL: 'silent',
            AGGREGATOR_METRICS_PORT: '0',
            AGGREGATOR_PUBLISH_INTERVAL_MS: '100',
          }),
        ),
      ],
    })
      .overrideProvider(CLOCK)
      .useValue(simulatedClock)
      .compile();
    await aggregator.init();
    gateway = await startGateway(backing);
    urls = {
      gateway: gateway.app.get(MetricsServer).url,
      aggregator: aggregator.get(MetricsServer).url,
      connectors: connectors.app.get(MetricsServer).url,
    };
  });

  afterAll(async () => {
    client?.disconnect();
    await gateway?.close();
    await aggregator?.close();
    await connectors?.close();
    await simulator?.close();
    await backing?.close();
  });

  it('serves metrics on an internal port of its own, not on the public one', async () => {
    for (const url of Object.values(urls)) expect(new URL(url).port).not.toBe(new URL(gateway.url).port);
    expect((await fetch(`${gateway.url}/metrics`)).status).not.toBe(200);
    expect((await fetch(urls.gateway.replace('/metrics', '/other'))).status).toBe(404);
    for (const [app, url] of Object.entries(urls)) {
      const text = await scrape(url);
      // Default process metrics, labelled with the app.
      expect(sampleValue(text, 'process_resident_memory_bytes', { app })).toBeGreaterThan(0);
      expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
    }
  });

  it('moves the counters of every app with traffic from a pulled source to a connected display', async () => {
    const created = await createSource(connectors.url, {
      name: 'iOffice (metrics test)',
      connectorType: 'ioffice',
      config: { baseUrl: simulator.url, pageSize: 200 },
      credentials: { token: SIMULATOR_TOKEN },
      schedule: 'every:1000',
    });
    expect(created.status).toBe(201);
    const sourceId = created.body.id as string;

    client = connect(gateway, { apiKey: PROVINCE_KEY });
    const key = streamKey('doc.signed_pct', '51');
    // A resume from an epoch that never existed: answered with a reset snapshot.
    const ack = await new Promise<{ ok: boolean }>((done) =>
      client!.emit('subscribe', { indicators: ['doc.signed_pct'], units: ['51'], positions: { [key]: { epoch: 'gone', seq: 3 } } }, done),
    );
    expect(ack.ok).toBe(true);

    const connectorsScrape = await waitFor(
      async () => {
        const text = await scrape(urls.connectors);
        return sampleValue(text, 'ioc_connector_events_queued_total', { source: sourceId }) > 0 &&
          sampleValue(text, 'ioc_connector_pull_lag_seconds', { source: sourceId }) >= 0
          ? text
          : undefined;
      },
      60_000,
      'events queued and a pull lag for the source',
    );
    expect(sampleValue(connectorsScrape, 'ioc_connector_counter_total', { source: sourceId, name: 'records_read' })).toBeGreaterThan(0);

    const queued = sampleValue(connectorsScrape, 'ioc_connector_events_queued_total', { source: sourceId });
    const aggregatorScrape = await waitFor(
      async () => {
        const text = await scrape(urls.aggregator);
        // Every queued event processed once (applied, or a duplicate of one re-read by a later pull).
        return sampleValue(text, 'ioc_aggregator_events_total') >= queued &&
          sampleValue(text, 'ioc_aggregator_publish_lag_seconds_count') > 0
          ? text
          : undefined;
      },
      60_000,
      'the queued events processed and published',
    );
    expect(sampleValue(aggregatorScrape, 'ioc_aggregator_events_total', { outcome: 'applied' })).toBeGreaterThan(0);
    expect(sampleValue(aggregatorScrape, 'ioc_aggregator_batches_total')).toBeGreaterThan(0);
    expect(sampleValue(aggregatorScrape, 'ioc_aggregator_queue_wait_seconds_count')).toBe(
      sampleValue(aggregatorScrape, 'ioc_aggregator_batches_total'),
    );
    expect(sampleValue(aggregatorScrape, 'ioc_aggregator_published_updates_total')).toBeGreaterThan(0);
    expect(sampleValue(aggregatorScrape, 'ioc_aggregator_publish_round_seconds_count', { scope: 'full' })).toBeGreaterThan(0);
    await waitFor(
      async () => {
        const text = await scrape(urls.aggregator);
        return sampleValue(text, 'ioc_alert_evaluations_total', { trigger: 'indicator' }) > 0 &&
          sampleValue(text, 'ioc_alert_transitions_total', { event: 'fired' }) === 1
          ? true
          : undefined;
      },
      30_000,
      'the alert rule evaluated and fired',
    );

    const gatewayScrape = await waitFor(
      async () => {
        const text = await scrape(urls.gateway);
        return sampleValue(text, 'ioc_gateway_deliveries_total', { event: 'update' }) > 0 ? text : undefined;
      },
      30_000,
      'an update delivered to the display',
    );
    expect(sampleValue(gatewayScrape, 'ioc_gateway_connections')).toBe(1);
    expect(sampleValue(gatewayScrape, 'ioc_gateway_subscriptions')).toBe(1);
    expect(sampleValue(gatewayScrape, 'ioc_gateway_deliveries_total', { event: 'snapshot' })).toBe(1);
    expect(sampleValue(gatewayScrape, 'ioc_gateway_resumes_total')).toBe(1);
    expect(sampleValue(gatewayScrape, 'ioc_gateway_reset_snapshots_total', { cause: 'resume' })).toBe(1);

    client.disconnect();
    await waitFor(
      async () => {
        const text = await scrape(urls.gateway);
        return sampleValue(text, 'ioc_gateway_connections') === 0 && sampleValue(text, 'ioc_gateway_disconnects_total') === 1
          ? true
          : undefined;
      },
      10_000,
      'the disconnect counted',
    );
  });

  it('counts dead letters by source and field at fault', async () => {
    const queue = new Queue<EventBatchJob>(QueueName.Events, { connection: { url: backing.redis.url }, prefix: backing.redis.queuePrefix });
    try {
      await queue.add('bad', {
        sourceId: 'src-broken',
        stream: 'documents',
        events: [{ idempotencyKey: 'k1', unitCode: 'nowhere' } as never],
      });
    } finally {
      await queue.close();
    }
    const text = await waitFor(
      async () => {
        const body = await scrape(urls.aggregator);
        return sampleValue(body, 'ioc_aggregator_events_total', { outcome: 'refused' }) === 1 ? body : undefined;
      },
      30_000,
      'the refused event counted',
    );
    expect(sampleValue(text, 'ioc_aggregator_dead_letters_total', { source: 'src-broken' })).toBe(1);
  });

  it('has every metric the provisioned Grafana dashboard queries in a scrape of the running apps', async () => {
    const dashboard = JSON.parse(
      readFileSync(resolve(PROJECT_ROOT, 'docker/grafana/dashboards/ioc-pipeline.json'), 'utf8'),
    ) as GrafanaDashboard;
    const exposed = new Set<string>();
    for (const url of Object.values(urls)) for (const name of exposedNames(await scrape(url))) exposed.add(name);
    const queried = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) => metricNamesOf(target.expr).map((metric) => ({ panel: panel.title, metric }))),
    );
    expect(queried.length).toBeGreaterThan(20);
    expect(queried.filter(({ metric }) => !exposed.has(metric))).toEqual([]);
  });
});
