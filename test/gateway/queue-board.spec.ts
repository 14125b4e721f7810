import { ADMIN_PASSWORD, createBacking, login, PROVINCE_KEY, startGateway, type Backing, type RunningGateway } from './gateway-harness';

jest.setTimeout(60_000);

const basic = (username: string, password: string): string => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

describe('Bull Board at /admin/queues', () => {
  let backing: Backing;
  let gateway: RunningGateway;

  beforeAll(async () => {
    backing = await createBacking();
    gateway = await startGateway(backing);
  });

  afterAll(async () => {
    await gateway?.close();
    await backing?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${gateway.url}${path}`, { headers });

  it('asks for credentials (401 with a Basic challenge), on the page and on its API', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const response = await get(path);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="IOC queues"/);
      expect(await response.json()).toMatchObject({ statusCode: 401, error: 'unauthenticated' });
    }
    expect((await get('/admin/queues', { authorization: basic('admin', 'wrong password') })).status).toBe(401);
    expect((await get('/admin/queues', { authorization: 'Bearer not-a-token' })).status).toBe(401);
  });

  it('refuses a viewer with 403', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const response = await get(path, { 'x-api-key': PROVINCE_KEY });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { message: string }).message).toContain('VIEWER');
    }
  });

  it('shows an admin every queue of the pipeline, by password or token', async () => {
    const page = await get('/admin/queues', { authorization: basic('admin', ADMIN_PASSWORD) });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>IOC queues</title>');

    const token = await login(gateway);
    const api = await get('/admin/queues/api/queues?activeQueue=events&status=latest&page=1', { authorization: `Bearer ${token}` });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string }[] };
    expect(queues.map((queue) => queue.name).sort()).toEqual(['dead-letter', 'events', 'maintenance', 'notifications', 'source-pull']);
  });

  it('lists the events queue of every aggregation partition', async () => {
    const partitioned = await startGateway(backing, { AGGREGATION_PARTITIONS: '3' });
    try {
      const api = await fetch(`${partitioned.url}/admin/queues/api/queues?activeQueue=events&status=latest&page=1`, {
        headers: { authorization: basic('admin', ADMIN_PASSWORD) },
      });
      expect(api.status).toBe(200);
      const { queues } = (await api.json()) as { queues: { name: string }[] };
      expect(queues.map((queue) => queue.name).sort()).toEqual([
        'dead-letter',
        'events',
        'maintenance',
        'notifications',
        'p1:events',
        'p2:events',
        'source-pull',
      ]);
    } finally {
      await partitioned.close();
    }
  });
});
