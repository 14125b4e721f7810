import { readFileSync, rmSync } from 'node:fs';
import { createTestDatabase, createTestRedis, startStack, type TestDatabase, type TestRedis } from '../support';
import { describeInBrowser, launchBrowser } from './browser-harness';

// A real clock: the default rule holds a missed target for 2 minutes before it fires.
jest.setTimeout(420_000);

/**
 * A new install as an operator starts it (`npm start`'s launcher on a fresh database, the
 * simulator as the province's sources, nothing configured by hand): the seeded province leader
 * sees real alerts on the leader page within 5 minutes.
 */
describeInBrowser('leader page of a fresh install', () => {
  let db: TestDatabase;
  let redis: TestRedis;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await redis.cleanup();
    await db.drop();
  });

  it('shows the seeded province leader a real alert from the simulated sources within 5 minutes, with no push button while Web Push is off', async () => {
    const started = Date.now();
    const { process: stack, url, secrets, waitForGateway } = await startStack(db, redis, { LOG_LEVEL: 'warn' });
    const browser = await launchBrowser({ width: 1280, height: 800 });
    try {
      await waitForGateway(90_000);
      const { provinceLeaderPassword } = JSON.parse(readFileSync(`${secrets}/credentials.json`, 'utf8')) as {
        provinceLeaderPassword: string;
      };

      const page = await browser.context.newPage();
      await page.goto(`${url}/leader`);
      await page.fill('input[name="username"]', 'lanhdao.tinh');
      await page.fill('input[name="password"]', provinceLeaderPassword);
      await page.click('button[type="submit"]');
      await page.waitForSelector('.who', { timeout: 30_000 });
      expect(await page.locator('.who').textContent()).toBe('lanhdao.tinh · LEADER · đơn vị 51');
      expect(await page.locator('.enable-push').count()).toBe(0);

      await page.waitForSelector('.alerts > li.alert', { timeout: 300_000 - (Date.now() - started) });
      const first = await page.locator('.alerts > li.alert').first().textContent();
      expect(first).toMatch(/Chưa đạt chỉ tiêu|Mất kết nối|không cập nhật/);
      expect(Date.now() - started).toBeLessThan(300_000);
    } finally {
      await browser.close();
      await stack.stop('SIGTERM');
      rmSync(secrets, { recursive: true, force: true });
    }
  });
});
