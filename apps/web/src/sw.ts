/** Push service worker of the leader page: shows the gateway's notification and opens its link on click. */
// The page bundles share one type environment (DOM + WebWorker libs); this file runs as the worker.
const worker = globalThis as unknown as ServiceWorkerGlobalScope;

interface PushPayload {
  title?: string;
  body?: string;
  link?: string;
  groupKey?: string;
}

worker.addEventListener('push', (event) => {
  const payload = (event.data?.json() ?? {}) as PushPayload;
  event.waitUntil(
    worker.registration.showNotification(payload.title ?? 'Cảnh báo IOC', {
      body: payload.body,
      // One notification per alert group: a newer message replaces the older one.
      tag: payload.groupKey,
      data: { link: payload.link ?? '/leader' },
    }),
  );
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const link = (event.notification.data as { link?: string } | null)?.link ?? '/leader';
  event.waitUntil(worker.clients.openWindow(link));
});
