import webpush from 'web-push';
import { type AlertNotification, SharedRedisKey, sharedRedisKey } from '@ioc/contracts';
import { hashPassword } from '@ioc/security';
import {
  ADMIN_PASSWORD,
  createStack,
  describeInBrowser,
  launchBrowser,
  login,
  PROVINCE_KEY,
  type RunningGateway,
  screenshotPath,
  type Stack,
  startGateway,
} from './browser-harness';

jest.setTimeout(120_000);

const ENDPOINT = 'https://push.example.test/subscriptions/leader-1';
const BROWSER_KEYS = {
  p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
  auth: 'tBHItJI5svbpez7KI4CCXg',
};

/**
 * The browser's push service (Google's, for Chromium) cannot be reached from here, so
 * PushManager.subscribe is replaced by one that answers as the service would and records the
 * application server key it was given. Everything else is the real page, gateway and database.
 */
const FAKE_PUSH_SERVICE = `
  PushManager.prototype.subscribe = async function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.usedServerKey = btoa(String.fromCharCode(...key)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    const json = { endpoint: ${JSON.stringify(ENDPOINT)}, expirationTime: null, keys: ${JSON.stringify(BROWSER_KEYS)} };
    return { endpoint: json.endpoint, toJSON: () => json };
  };
`;

describeInBrowser('leader page in a real browser', () => {
  let stack: Stack;
  let gateway: RunningGateway;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const vapid = webpush.generateVAPIDKeys();

  beforeAll(async () => {
    stack = await createStack();
    gateway = await startGateway(stack, 0, { VAPID_PUBLIC_KEY: vapid.publicKey });
    browser = await launchBrowser({ width: 1280, height: 800 });
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.app.close();
    await stack?.close();
  });

  it('signs in with a password, shows the user scope and enables Web Push with the gateway VAPID key', async () => {
    await browser.context.grantPermissions(['notifications'], { origin: gateway.url });
    const page = await browser.context.newPage();
    await page.addInitScript(FAKE_PUSH_SERVICE);
    await page.goto(`${gateway.url}/leader`);
    await page.fill('input[name="username"]', 'admin');
    await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('.who', { timeout: 20_000 });
    expect(await page.locator('.who').textContent()).toBe('admin · ADMIN · đơn vị 51');
    await page.waitForSelector('.alerts > li', { timeout: 20_000 });

    await page.click('.enable-push');
    await page.locator('.push-state', { hasText: 'Đã bật thông báo đẩy' }).waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.usedServerKey')).toBe(vapid.publicKey);
    const admin = await stack.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    const saved = await stack.prisma.pushSubscription.findUniqueOrThrow({ where: { endpoint: ENDPOINT } });
    expect(saved).toMatchObject({ userId: admin.id, p256dh: BROWSER_KEYS.p256dh, auth: BROWSER_KEYS.auth });
    expect(saved.userAgent).toContain('Chrome');
    // The service worker that will show the notifications is installed for /app/.
    expect(
      await page.evaluate(
        'navigator.serviceWorker.getRegistration("/app/").then((r) => r?.active?.scriptURL ?? r?.installing?.scriptURL ?? r?.waiting?.scriptURL)',
      ),
    ).toBe(`${gateway.url}/app/sw.js`);

    await page.screenshot({ path: screenshotPath('leader.png') });
    await page.close();
  });

  it('lets a district leader acknowledge an alert of the district and shows in-app alerts from the socket', async () => {
    const [district, commune] = await Promise.all([
      stack.prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '522' } }),
      stack.prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '21001' } }),
    ]);
    const leader = await stack.prisma.user.create({
      data: {
        username: 'chutich.522',
        displayName: 'Chủ tịch TP',
        role: 'LEADER',
        unitId: district.id,
        passwordHash: await hashPassword('mat-khau-rat-dai-1'),
      },
    });
    const rule = await stack.prisma.alertRule.create({
      data: {
        name: 'Hồ sơ trực tuyến dưới 70%',
        kind: 'THRESHOLD_BELOW',
        indicatorId: 'doc.processed_online_pct',
        params: { threshold: 70 },
        severity: 'MAJOR',
      },
    });
    const alert = await stack.prisma.alert.create({
      data: {
        ruleId: rule.id,
        unitId: commune.id,
        fingerprint: `${rule.id}|${commune.id}`,
        state: 'FIRING',
        severity: 'MAJOR',
        value: 55,
        threshold: 70,
        startedAt: new Date(),
        firedAt: new Date(),
      },
    });

    const page = await browser.context.newPage();
    await page.goto(`${gateway.url}/leader`);
    await page.fill('input[name="username"]', 'chutich.522');
    await page.fill('input[name="password"]', 'mat-khau-rat-dai-1');
    await page.click('button[type="submit"]');
    const item = page.locator(`.alert[data-alert="${alert.id}"]`);
    await item.locator('button.ack').click({ timeout: 20_000 });
    await page.locator(`.alert[data-alert="${alert.id}"][data-state="ACKNOWLEDGED"]`).waitFor({ timeout: 20_000 });
    expect(await stack.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({
      state: 'ACKNOWLEDGED',
      acknowledgedById: leader.id,
    });

    // The socket connects after the first list load; XADD until the notification shows, as the page may not have joined yet.
    const notification: AlertNotification = {
      deliveryId: 'delivery-browser',
      userId: leader.id,
      groupKey: `${rule.id}|522`,
      ruleId: rule.id,
      severity: 'CRITICAL',
      escalationLevel: 0,
      locale: 'vi',
      title: '3 xã dưới 70% hồ sơ trực tuyến',
      body: 'TP Quảng Ngãi',
      link: '/leader',
      sentAt: new Date().toISOString(),
      alerts: [],
    };
    const stream = sharedRedisKey(stack.redis.prefix, SharedRedisKey.AlertNotifications);
    const banner = page.locator('.in-app-alert', { hasText: notification.title });
    for (let attempt = 0; attempt < 20 && !(await banner.isVisible()); attempt += 1) {
      await stack.redis.client.xadd(stream, '*', 'n', JSON.stringify(notification));
      await banner.waitFor({ timeout: 1000 }).catch(() => undefined);
    }
    expect(await banner.getAttribute('data-severity')).toBe('CRITICAL');
    await page.close();
  });

  it('refuses push subscriptions from API keys and malformed ones, and unsubscribes', async () => {
    const byKey = await fetch(`${gateway.url}/push/subscriptions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': PROVINCE_KEY },
      body: JSON.stringify({ endpoint: 'https://push.example.test/other', keys: BROWSER_KEYS }),
    });
    expect(byKey.status).toBe(403);
    const token = await login(gateway);
    const malformed = await fetch(`${gateway.url}/push/subscriptions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ endpoint: 'http://insecure.example.test/x', keys: { p256dh: 'short', auth: BROWSER_KEYS.auth } }),
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['endpoint', 'keys.p256dh']);

    await stack.prisma.pushSubscription.upsert({
      where: { endpoint: ENDPOINT },
      create: {
        endpoint: ENDPOINT,
        userId: (await stack.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } })).id,
        ...BROWSER_KEYS,
      },
      update: {},
    });
    const removed = await fetch(`${gateway.url}/push/subscriptions?endpoint=${encodeURIComponent(ENDPOINT)}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(removed.status).toBe(204);
    expect(await stack.prisma.pushSubscription.count({ where: { endpoint: ENDPOINT } })).toBe(0);
  });

  it('says Web Push is off when the gateway has no VAPID key, and the page offers no push button', async () => {
    const off = await startGateway(stack);
    try {
      const response = await fetch(`${off.url}/push/vapid-public-key`, { headers: { Authorization: `Bearer ${await login(off)}` } });
      expect(response.status).toBe(404);

      const page = await browser.context.newPage();
      await page.addInitScript(FAKE_PUSH_SERVICE);
      await page.goto(`${off.url}/leader`);
      await page.fill('input[name="username"]', 'admin');
      await page.fill('input[name="password"]', ADMIN_PASSWORD);
      await page.click('button[type="submit"]');
      await page.waitForSelector('.alerts', { timeout: 20_000 });
      expect(await page.locator('.who').textContent()).toBe('admin · ADMIN · đơn vị 51');
      expect(await page.locator('.enable-push').count()).toBe(0);
      await page.close();
    } finally {
      await off.app.close();
    }
  });
});
