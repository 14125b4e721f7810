import { Queue } from 'bullmq';
import { type EventBatchJob, QueueName } from '@ioc/contracts';
import { hashPassword } from '@ioc/security';
import {
  ADMIN_PASSWORD,
  createStack,
  launchBrowser,
  type RunningGateway,
  screenshotPath,
  type Stack,
  startGateway,
} from './browser-harness';

jest.setTimeout(120_000);

describe('Bull Board in a real browser', () => {
  let stack: Stack;
  let gateway: RunningGateway;

  beforeAll(async () => {
    stack = await createStack();
    gateway = await startGateway(stack);
    const province = await stack.prisma.administrativeUnit.findUniqueOrThrow({ where: { code: '51' } });
    await stack.prisma.user.create({
      data: {
        username: 'canbo.xem',
        displayName: 'Cán bộ xem',
        role: 'VIEWER',
        unitId: province.id,
        passwordHash: await hashPassword('mat-khau-chi-xem-1'),
      },
    });
    // A waiting batch, so the board has a job to show.
    const queue = new Queue<EventBatchJob>(QueueName.Events, { connection: { url: stack.redis.url }, prefix: stack.redis.queuePrefix });
    await queue.add('batch', { sourceId: 'ioffice-51', stream: 'documents', events: [] });
    await queue.close();
  });

  afterAll(async () => {
    await gateway?.app.close();
    await stack?.close();
  });

  it('loads for an admin, who answers the Basic challenge, and lists every pipeline queue', async () => {
    const browser = await launchBrowser({ width: 1440, height: 900 }, { username: 'admin', password: ADMIN_PASSWORD });
    try {
      const page = await browser.context.newPage();
      const response = await page.goto(`${gateway.url}/admin/queues`);
      expect(response?.status()).toBe(200);
      for (const name of ['events', 'dead-letter', 'source-pull', 'notifications', 'maintenance']) {
        await page
          .getByRole('link', { name: new RegExp(`^${name}`) })
          .first()
          .waitFor({ timeout: 20_000 });
      }
      await page
        .getByRole('link', { name: /^events/ })
        .first()
        .click();
      await page.getByText('batch').first().waitFor({ timeout: 20_000 });
      await page.screenshot({ path: screenshotPath('queue-board.png') });
    } finally {
      await browser.close();
    }
  });

  it('is refused to a viewer', async () => {
    const browser = await launchBrowser({ width: 1280, height: 800 }, { username: 'canbo.xem', password: 'mat-khau-chi-xem-1' });
    try {
      const page = await browser.context.newPage();
      const response = await page.goto(`${gateway.url}/admin/queues`);
      expect(response?.status()).toBe(403);
      expect(await page.textContent('body')).toContain('The queue board is for admins; you are VIEWER');
    } finally {
      await browser.close();
    }
  });
});
