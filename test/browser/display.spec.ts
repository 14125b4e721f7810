import { type DashboardLayout, type IndicatorUpdate, type ResolutionScorecard, SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import type { Page } from 'playwright-core';
import {
  createStack,
  describeInBrowser,
  indicatorUpdate,
  launchBrowser,
  login,
  PROVINCE_KEY,
  publish,
  publishSourceHealth,
  screenshotPath,
  type RunningGateway,
  type Stack,
  startGateway,
} from './browser-harness';

jest.setTimeout(120_000);

const tileSelector = (indicatorId: string, unitCode: string): string => `[data-tile="${indicatorId}:${unitCode}"]`;

async function tileValue(page: Page, indicatorId: string, unitCode: string, value: number): Promise<void> {
  await page.waitForSelector(`${tileSelector(indicatorId, unitCode)} .tile-value[data-value="${value}"]`, { timeout: 20_000 });
}

async function tileFreshness(page: Page, indicatorId: string, unitCode: string, freshness: 'live' | 'stale' | 'offline'): Promise<void> {
  await page.waitForSelector(`${tileSelector(indicatorId, unitCode)}[data-freshness="${freshness}"]`, { timeout: 20_000 });
}

describeInBrowser('wall display in a real browser', () => {
  let stack: Stack;
  let gateway: RunningGateway;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let layout: DashboardLayout;
  const initial: IndicatorUpdate[] = [];

  beforeAll(async () => {
    stack = await createStack();
    layout = (await stack.prisma.dashboard.findUniqueOrThrow({ where: { slug: 'province-overview' } }))
      .layout as unknown as DashboardLayout;
    layout.tiles.forEach((tile, index) =>
      initial.push(indicatorUpdate({ indicatorId: tile.indicatorId, unitCode: tile.unitCode, value: 40 + index * 3.5, seq: 1 })),
    );
    // Colours and freshness that the page must show: a target at risk, a target met, a value two hours old.
    Object.assign(
      initial.find((u) => u.indicatorId === 'doc.processed_online_pct')!,
      { value: 87.5, target: 90, status: 'at_risk' },
    );
    Object.assign(
      initial.find((u) => u.indicatorId === 'procedure.fully_online_pct')!,
      { value: 100, target: 100, status: 'met' },
    );
    initial.find((u) => u.indicatorId === 'dossier.late')!.freshness = [
      { sourceId: 'dvc', lastSuccessAt: new Date().toISOString(), lagSeconds: 3 },
    ];
    // Stale because its source was last read two hours ago (issue 11: not because the value is old).
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    Object.assign(
      initial.find((u) => u.indicatorId === 'source.freshness')!,
      {
        value: 7200,
        asOf: twoHoursAgo,
        freshness: [{ sourceId: 'ioffice-old', lastSuccessAt: twoHoursAgo, lagSeconds: 0 }],
      },
    );
    await publish(stack, [...initial, indicatorUpdate({ indicatorId: 'doc.processed_online_pct', unitCode: '522', value: 76.25, seq: 1 })]);

    // Per-minute history for the sparklines: an hour for the tile checked below, shorter and varied for the others.
    const province = await stack.prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '51' } });
    const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
    await stack.prisma.indicatorSnapshot.createMany({
      data: initial.flatMap((update, index) =>
        Array.from({ length: update.indicatorId === 'doc.processed_online_pct' ? 60 : 20 + index * 2 }, (_, minute) => {
          const bucketStart = new Date(minuteStart - (minute + 1) * 60_000);
          const value =
            update.indicatorId === 'doc.processed_online_pct'
              ? 80 + (minute % 7)
              : update.value! * (1 + Math.sin(minute / (2 + index)) / 10);
          return {
            indicatorId: update.indicatorId,
            unitId: province.id,
            resolution: 'MINUTE' as const,
            bucketStart,
            value,
            asOf: bucketStart,
          };
        }),
      ),
    });

    gateway = await startGateway(stack);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.app.close();
    await stack?.close();
  });

  it('renders the seeded dashboard with its values, live updates, the stale badge when the gateway stops, and recovers without reload', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${gateway.url}/display/province-overview?key=${encodeURIComponent(PROVINCE_KEY)}`);

    // Every tile of the seeded layout, with the catalogue's Vietnamese name and unit and the published value.
    const definitions = await stack.prisma.indicatorDefinition.findMany({
      where: { id: { in: layout.tiles.map((tile) => tile.indicatorId) } },
    });
    for (const update of initial) await tileValue(page, update.indicatorId, update.unitCode, update.value!);
    expect(await page.locator('[data-tile]').count()).toBe(layout.tiles.length);
    for (const definition of definitions) {
      const tile = page.locator(tileSelector(definition.id, '51'));
      expect(await tile.locator('.tile-name').textContent()).toBe(definition.nameVi);
      expect(await tile.locator('.tile-unit').textContent()).toBe(definition.unitOfMeasure);
    }
    // The key leaves the address bar once stored for the tab.
    expect(page.url()).not.toContain('key=');

    const atRisk = page.locator(tileSelector('doc.processed_online_pct', '51'));
    expect(await atRisk.getAttribute('data-tone')).toBe('warn');
    expect(await atRisk.locator('.tile-target').textContent()).toBe('Chỉ tiêu 90 %');
    expect(await atRisk.locator('.tile-value').textContent()).toBe('87,5');
    expect(await page.locator(tileSelector('procedure.fully_online_pct', '51')).getAttribute('data-tone')).toBe('good');
    // History from indicator_snapshots draws the sparkline (60 points).
    const points = await atRisk.locator('.sparkline polyline').getAttribute('points');
    expect(points!.trim().split(' ').length).toBeGreaterThanOrEqual(60);
    await tileFreshness(page, 'doc.processed_online_pct', '51', 'live');
    await tileFreshness(page, 'source.freshness', '51', 'stale');

    await page.screenshot({ path: screenshotPath('display.png') });

    // A new value at the source reaches the tile.
    await publish(stack, [
      indicatorUpdate({ indicatorId: 'doc.processed_online_pct', unitCode: '51', value: 91.25, seq: 2, target: 90, status: 'met' }),
    ]);
    await tileValue(page, 'doc.processed_online_pct', '51', 91.25);
    expect(await atRisk.getAttribute('data-tone')).toBe('good');

    // The public-service connector reports its source down: the tile it feeds stops looking live at once, and recovers with it.
    await publishSourceHealth(stack, 'dvc', 'DOWN');
    await tileFreshness(page, 'dossier.late', '51', 'stale');
    expect(await page.locator(`${tileSelector('dossier.late', '51')} .badge`).textContent()).toBe('NGUỒN GIÁN ĐOẠN');
    expect(await atRisk.getAttribute('data-freshness')).toBe('live');
    await publishSourceHealth(stack, 'dvc', 'OK');
    await tileFreshness(page, 'dossier.late', '51', 'live');

    // The gateway goes away: every tile says so instead of showing its value as live.
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
    const port = gateway.port;
    await gateway.app.close();
    await page.waitForSelector('#connection[data-state="offline"]', { timeout: 20_000 });
    await tileFreshness(page, 'doc.processed_online_pct', '51', 'offline');
    expect(await atRisk.locator('.badge').textContent()).toBe('MẤT KẾT NỐI');

    // A value published while it was down arrives once it is back (resume from the page's positions), with no reload.
    await publish(stack, [
      indicatorUpdate({ indicatorId: 'doc.processed_online_pct', unitCode: '51', value: 92.5, seq: 3, target: 90, status: 'met' }),
    ]);
    gateway = await startGateway(stack, port);
    await page.waitForSelector('#connection[data-state="online"]', { timeout: 30_000 });
    await tileValue(page, 'doc.processed_online_pct', '51', 92.5);
    await tileFreshness(page, 'doc.processed_online_pct', '51', 'live');
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // An operator retitles the dashboard: the display picks the change up by itself.
    const accessToken = await login(gateway);
    const retitled = await fetch(`${gateway.url}/dashboards/province-overview`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ title: 'Điều hành tỉnh Quảng Ngãi' }),
    });
    expect(retitled.status).toBe(200);
    await page.locator('.display-title h1', { hasText: 'Điều hành tỉnh Quảng Ngãi' }).waitFor({ timeout: 20_000 });
    await tileValue(page, 'doc.processed_online_pct', '51', 92.5);

    // Sizes follow the viewport: at 3840×2160 the figures are twice as large as at 1920×1080.
    // (The expression runs in the page; this test file is typed for Node, without the DOM.)
    const valueFontPx = async (): Promise<number> =>
      Number(
        await page.evaluate(
          `parseFloat(getComputedStyle(document.querySelector('${tileSelector('doc.processed_online_pct', '51')} .tile-value')).fontSize)`,
        ),
      );
    const fullHd = await valueFontPx();
    await page.setViewportSize({ width: 3840, height: 2160 });
    expect(await valueFontPx()).toBeCloseTo(fullHd * 2, 0);
    await page.setViewportSize({ width: 1920, height: 1080 });

    // Drill-down: province → one of its districts, same indicators for that unit.
    await page.click('.children [data-unit="522"]');
    await tileValue(page, 'doc.processed_online_pct', '522', 76.25);
    expect(await page.locator('.trail-current').textContent()).toBe('Thành phố Quảng Ngãi');
    await page.close();
  });

  it('shows the resolution scorecard with drill-down to the units that miss, and no stale badge after 15 minutes of unchanged values from healthy sources', async () => {
    // The display's clock is moved by an offset on Date.now (socket.io's own timers keep real time).
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      const realNow = Date.now.bind(Date);
      const shifted = globalThis as unknown as { clockOffsetMs: number };
      shifted.clockOffsetMs = 0;
      Date.now = () => realNow() + shifted.clockOffsetMs;
    });
    // Four NQ13 targets; the fully-online one is met once `catalogueMet` (the gateway counts n / m from the entries it shows).
    const card = (catalogueMet: boolean): ResolutionScorecard => {
      const at = new Date().toISOString();
      const base = {
        indicatorId: 'doc.processed_online_pct',
        unitCode: null,
        comparator: 'GT' as const,
        periodStart: '2021-01-01',
        deadline: '2025-12-31',
        note: null,
        numerator: null,
        denominator: null,
        at,
        atDeadline: null,
      };
      const entries: ResolutionScorecard['entries'] = [
        {
          ...base,
          targetId: 't-province',
          appliesTo: 'LEVEL_AGGREGATE',
          tier: 'PROVINCE',
          target: 90,
          status: 'met',
          value: 93,
          unitsEvaluated: 2,
          unitsMet: 2,
          met: true,
          units: [
            { unitCode: '51-STTTT', value: 92, met: true },
            { unitCode: '51-VPUBND', value: 94, met: true },
          ],
        },
        {
          ...base,
          targetId: 't-districts',
          appliesTo: 'LEVEL_EACH',
          tier: 'DISTRICT',
          target: 80,
          status: 'met',
          value: 82,
          unitsEvaluated: 1,
          unitsMet: 1,
          met: true,
          units: [{ unitCode: '522', value: 82, met: true }],
        },
        {
          ...base,
          targetId: 't-communes',
          appliesTo: 'LEVEL_EACH',
          tier: 'COMMUNE',
          target: 70,
          status: 'missed',
          value: 70,
          unitsEvaluated: 2,
          unitsMet: 1,
          met: false,
          units: [
            { unitCode: '21052', value: 70, met: false },
            { unitCode: '21001', value: 72, met: true },
          ],
          atDeadline: {
            value: 66,
            numerator: null,
            denominator: null,
            unitsEvaluated: 2,
            unitsMet: 0,
            met: false,
            units: [],
            at: '2025-12-31T16:59:59.999Z',
          },
        },
        {
          ...base,
          targetId: 't-catalogue',
          indicatorId: 'procedure.fully_online_pct',
          appliesTo: 'UNIT_SUBTREE',
          tier: null,
          unitCode: '51',
          comparator: 'GTE',
          target: 100,
          status: catalogueMet ? 'met' : 'missed',
          value: catalogueMet ? 100 : 97,
          unitsEvaluated: 1,
          unitsMet: catalogueMet ? 1 : 0,
          met: catalogueMet,
          units: [{ unitCode: '51', value: catalogueMet ? 100 : 97, met: catalogueMet }],
        },
      ];
      return {
        resolutionCode: '13-NQ/TU',
        title: 'Nghị quyết 13-NQ/TU',
        met: entries.filter((e) => e.met).length,
        total: entries.length,
        asOf: at,
        entries,
      };
    };
    await stack.redis.client.hset(sharedRedisKey(stack.redis.prefix, SharedRedisKey.Scorecards), '13-NQ/TU', JSON.stringify(card(false)));
    // Every tile's values come from sources read just now.
    await publish(
      stack,
      initial
        .filter((u) => u.indicatorId !== 'source.freshness')
        .map((u) => ({
          ...u,
          seq: 10,
          asOf: new Date().toISOString(),
          freshness: [{ sourceId: 'ioffice', lastSuccessAt: new Date().toISOString(), lagSeconds: 1 }],
        })),
    );
    await publish(stack, [
      {
        ...initial.find((u) => u.indicatorId === 'dossier.late')!,
        seq: 11,
        asOf: new Date().toISOString(),
        freshness: [{ sourceId: 'dvc', lastSuccessAt: new Date().toISOString(), lagSeconds: 1 }],
      },
    ]);
    await page.goto(`${gateway.url}/display/province-overview?key=${encodeURIComponent(PROVINCE_KEY)}`);

    await page.locator('.scorecard-count', { hasText: '2 / 4 chỉ tiêu đạt' }).waitFor({ timeout: 20_000 });
    await page.click('.scorecard-summary');
    const entry = page.locator('.scorecard-entry[data-target="t-communes"]');
    expect(await entry.locator('.scorecard-entry-scope').textContent()).toBe('Áp dụng: từng đơn vị cấp xã · hạn 2025-12-31');
    expect(await entry.locator('.scorecard-entry-today').textContent()).toBe('Hiện tại: 1/2 đơn vị đạt (thấp nhất 70 %) — Không đạt');
    expect(await entry.locator('.scorecard-entry-deadline').textContent()).toBe(
      'Tại hạn 2025-12-31: 0/2 đơn vị đạt (thấp nhất 66 %) — Không đạt',
    );
    await entry.locator('.scorecard-drill summary').click();
    const miss = entry.locator('.scorecard-missing a');
    expect(await miss.textContent()).toBe('Thị trấn Châu Ổ: 70 %');
    expect(await miss.getAttribute('href')).toContain('unit=21052');
    await page.screenshot({ path: screenshotPath('scorecard.png') });

    // A changed scorecard arrives on the socket.
    await stack.redis.client.xadd(
      sharedRedisKey(stack.redis.prefix, SharedRedisKey.ScorecardUpdates),
      '*',
      'u',
      JSON.stringify(card(true)),
    );
    await page.locator('.scorecard-count', { hasText: '3 / 4 chỉ tiêu đạt' }).waitFor({ timeout: 20_000 });

    // 15 minutes on, no value has changed; the document system keeps being read every minute, the DVC system is not.
    await tileFreshness(page, 'doc.on_time_pct', '51', 'live');
    await page.evaluate('globalThis.clockOffsetMs = 15 * 60_000');
    await publishSourceHealth(stack, 'ioffice', 'OK', new Date(Date.now() + 15 * 60_000 - 20_000));
    await tileFreshness(page, 'dossier.late', '51', 'stale');
    await tileFreshness(page, 'doc.on_time_pct', '51', 'live');
    expect(await page.locator(`${tileSelector('doc.on_time_pct', '51')} .badge`).textContent()).toBe('TRỰC TIẾP');
    expect(await page.locator(`${tileSelector('doc.on_time_pct', '51')} .tile-age`).textContent()).toMatch(/^Nguồn đọc 2\d giây trước$/);
    // Only tiles whose sources were not read on time are stale: the DVC-fed one, and the one whose source was last read two hours ago.
    const stale = await page
      .locator('[data-tile][data-freshness="stale"]')
      .evaluateAll((tiles) => tiles.map((tile) => tile.getAttribute('data-tile')));
    expect(stale.sort()).toEqual(['dossier.late:51', 'source.freshness:51']);
    await page.close();
  });

  it('serves the pages publicly, keeps the API behind authentication and files outside the build out of reach', async () => {
    const page = await fetch(`${gateway.url}/display/province-overview`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain(PROVINCE_KEY);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${gateway.url}/dashboards/province-overview`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/app/%2e%2e%2f%2e%2e%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/app/sw.js`)).headers.get('content-type')).toContain('javascript');
  });
});
