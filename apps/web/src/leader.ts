import './styles.css';
import { io, type Socket } from 'socket.io-client';
import { type ClientToServerEvents, LIVE_NAMESPACE, LIVE_RECONNECTION, type ServerToClientEvents } from '@ioc/contracts';
import { ApiError, apiFetch } from './api';
import { element } from './dom';
import { askForCredential, type Credential, currentCredential, forgetCredential } from './credentials';
import { formatValue } from './tile-state';

/**
 * Leader page. The alerts and push endpoints belong to the alerts feature; this page calls
 * GET /alerts, POST /alerts/:id/acknowledge, GET /push/vapid-public-key and POST /push/subscriptions,
 * and says so plainly when the gateway does not offer them (404). In-app notifications arrive on
 * the /live socket ("alert"): each is shown at the top and the list is reloaded at once.
 */
interface Me {
  name: string;
  role: string;
  unitCode: string;
}

interface AlertRow {
  id: string;
  state: 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED';
  severity: 'CRITICAL' | 'MAJOR' | 'MINOR' | 'INFO';
  summary: string | null;
  unitCode?: string;
  unitName?: string;
  value: number | null;
  threshold: number | null;
  startedAt: string;
  acknowledgedAt: string | null;
}

const app = document.getElementById('app')!;
const SEVERITY_LABEL = { CRITICAL: 'Khẩn cấp', MAJOR: 'Nghiêm trọng', MINOR: 'Cảnh báo', INFO: 'Thông tin' } as const;
const STATE_LABEL = { PENDING: 'Đang theo dõi', FIRING: 'Đang cảnh báo', ACKNOWLEDGED: 'Đã xác nhận', RESOLVED: 'Đã hết' } as const;

function alertItem(credential: Credential, alert: AlertRow, reload: () => void): HTMLLIElement {
  const item = element('li', 'alert');
  item.dataset.alert = alert.id;
  item.dataset.state = alert.state;
  item.dataset.severity = alert.severity;
  const started = new Date(alert.startedAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
  item.append(
    element('div', 'alert-summary', `${SEVERITY_LABEL[alert.severity]} · ${alert.summary ?? 'Cảnh báo'}`),
    element('div', 'alert-state', STATE_LABEL[alert.state]),
    element(
      'div',
      'alert-meta',
      `${alert.unitName ?? alert.unitCode ?? ''} · giá trị ${formatValue(alert.value)} (ngưỡng ${formatValue(alert.threshold)}) · từ ${started}`,
    ),
  );
  // Only a firing alert can be acknowledged (a pending one has not notified anybody yet).
  if (alert.state === 'FIRING') {
    const ack = element('button', 'ack', 'Xác nhận');
    ack.addEventListener('click', () => {
      ack.disabled = true;
      void apiFetch(credential, `/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { method: 'POST', body: '{}' })
        .then(reload)
        .catch((error: unknown) => {
          ack.disabled = false;
          ack.textContent = `Lỗi: ${error instanceof Error ? error.message : String(error)}`;
        });
    });
    item.append(ack);
  }
  return item;
}

async function loadAlerts(credential: Credential, list: HTMLElement): Promise<void> {
  try {
    const alerts = await apiFetch<AlertRow[]>(credential, '/alerts');
    list.replaceChildren(...alerts.map((alert) => alertItem(credential, alert, () => void loadAlerts(credential, list))));
    if (alerts.length === 0) list.replaceChildren(element('li', 'notice', 'Không có cảnh báo nào trong phạm vi của bạn.'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      // The login token expired: sign in again, then start over.
      forgetCredential();
      location.reload();
      return;
    }
    const message =
      error instanceof ApiError && error.status === 404 ? 'Máy chủ này chưa cung cấp dịch vụ cảnh báo (GET /alerts).' : String(error);
    list.replaceChildren(element('li', 'notice', message));
  }
}

/** The newest in-app notification in the banner, and a fresh list; socket.io reconnects by itself. */
function followInAppAlerts(credential: Credential, banner: HTMLElement, reload: () => void): void {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(LIVE_NAMESPACE, {
    auth: 'apiKey' in credential ? { apiKey: credential.apiKey } : { token: credential.token },
    transports: ['websocket'],
    ...LIVE_RECONNECTION,
  });
  socket.on('alert', (notification) => {
    banner.dataset.severity = notification.severity;
    banner.replaceChildren(element('strong', '', notification.title), element('div', '', notification.body));
    banner.hidden = false;
    reload();
  });
}

function urlBase64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const padded = (base64 + '='.repeat((4 - (base64.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

/** The gateway's VAPID key, or null when Web Push is not configured there (404) or the browser cannot do it. */
async function vapidPublicKey(credential: Credential): Promise<string | null> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return null;
  try {
    return (await apiFetch<{ publicKey: string }>(credential, '/push/vapid-public-key')).publicKey;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Registers the service worker, subscribes with the gateway's VAPID key and hands the subscription to the gateway. */
async function enablePush(credential: Credential, publicKey: string, state: HTMLElement): Promise<void> {
  try {
    const registration = await navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' });
    if ((await Notification.requestPermission()) !== 'granted') {
      state.textContent = 'Bạn chưa cho phép thông báo.';
      return;
    }
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: urlBase64ToBytes(publicKey),
    });
    await apiFetch(credential, '/push/subscriptions', { method: 'POST', body: JSON.stringify(subscription.toJSON()) });
    state.textContent = 'Đã bật thông báo đẩy trên trình duyệt này.';
  } catch (error) {
    state.textContent = `Không bật được: ${String(error)}`;
  }
}

async function start(credential: Credential): Promise<void> {
  let me: Me;
  try {
    me = await apiFetch<Me>(credential, '/auth/me');
  } catch (error) {
    forgetCredential();
    return start(await askForCredential(app, error instanceof Error ? error.message : String(error)));
  }
  const header = element('header', 'leader-header');
  const heading = element('div', '');
  heading.append(
    element('h1', '', 'Cảnh báo trong phạm vi của bạn'),
    element('div', 'who', `${me.name} · ${me.role} · đơn vị ${me.unitCode}`),
  );
  const actions = element('div', '');
  // The button only where it can work: the gateway has a VAPID key and the browser supports push.
  const publicKey = await vapidPublicKey(credential);
  if (publicKey) {
    const push = element('button', 'enable-push', 'Bật thông báo đẩy');
    const pushState = element('div', 'push-state');
    push.addEventListener('click', () => void enablePush(credential, publicKey, pushState));
    actions.append(push, pushState);
  }
  header.append(heading, actions);
  const list = element('ul', 'alerts');
  const banner = element('div', 'in-app-alert');
  banner.hidden = true;
  app.replaceChildren(header, banner, list);
  await loadAlerts(credential, list);
  followInAppAlerts(credential, banner, () => void loadAlerts(credential, list));
  setInterval(() => void loadAlerts(credential, list), 15_000);
}

const credential = currentCredential();
void (credential ? start(credential) : askForCredential(app, 'Đăng nhập để xem cảnh báo trong phạm vi của bạn').then(start));
