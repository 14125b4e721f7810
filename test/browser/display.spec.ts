import type { DashboardLayout, IndicatorUpdate } from '@ioc/contracts';
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
    layout = (await stack.prisma.dashboard.findUniqueOrThrow({ where: { slug: 'province-overview' } })).layout as unknown as DashboardLayout;
    layout.tiles.forEach((tile, index) =>
      initial.push(indicatorUpdate({ indicatorId: tile.indicatorId, unitCode: tile.unitCode, value: 40 + index * 3.5, seq: 1 })),
    );
    // Colours and freshness that the page must show: a target at risk, a target met, a value two hours old.
    Object.assign(initial.find((u) => u.indicatorId === 'doc.processed_online_pct')!, { value: 87.5, target: 90, status: 'at_risk' });
    Object.assign(initial.find((u) => u.indicatorId === 'procedure.fully_online_pct')!, { value: 100, target: 100, status: 'met' });
    initial.find((u) => u.indicatorId === 'dossier.late')!.freshness = [{ sourceId: 'dvc', lastSuccessAt: new Date().toISOString(), lagSeconds: 3 }];
    Object.assign(initial.find((u) => u.indicatorId === 'source.freshness')!, { value: 7200, asOf: new Date(Date.now() - 2 * 3600_000).toISOString() });
    await publish(stack, [...initial, indicatorUpdate({ indicatorId: 'doc.processed_online_pct', unitCode: '522', value: 76.25, seq: 1 })]);

    // Per-minute history for the sparklines: an hour for the tile checked below, shorter and varied for the others.
    const province = await stack.prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '51' } });
    const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
    await stack.prisma.indicatorSnapshot.createMany({
      data: initial.flatMap((update, index) =>
        Array.from({ length: update.indicatorId === 'doc.processed_online_pct' ? 60 : 20 + index * 2 }, (_, minute) => {
          const bucketStart = new Date(minuteStart - (minute + 1) * 60_000);
          const value = update.indicatorId === 'doc.processed_online_pct' ? 80 + (minute % 7) : update.value! * (1 + Math.sin(minute / (2 + index)) / 10);
          return { indicatorId: update.indicatorId, unitId: province.id, resolution: 'MINUTE' as const, bucketStart, value, asOf: bucketStart };
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
    const definitions = await stack.prisma.indicatorDefinition.findMany({ where: { id: { in: layout.tiles.map((tile) => tile.indicatorId) } } });
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
    await publish(stack, [indicatorUpdate({ indicatorId: 'doc.processed_online_pct', unitCode: '51', value: 91.25, seq: 2, target: 90, status: 'met' })]);
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
    await publish(stack, [indicatorUpdate({ indicatorId: 'doc.processed_online_pct', unitCode: '51', value: 92.5, seq: 3, target: 90, status: 'met' })]);
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
      Number(await page.evaluate(`parseFloat(getComputedStyle(document.querySelector('${tileSelector('doc.processed_online_pct', '51')} .tile-value')).fontSize)`));
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
