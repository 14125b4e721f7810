/**
 * The operator's credential for this browser tab: an API key (wall displays, `?key=` once in the
 * URL) or a JWT from the login form (leaders). Kept in sessionStorage, never in the bundle, and
 * removed from the address bar so it does not end up in screenshots or history.
 */
export type Credential = { apiKey: string } | { token: string };

const STORAGE_KEY = 'ioc.credential';

export function currentCredential(): Credential | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('key');
  if (fromUrl) {
    saveCredential({ apiKey: fromUrl });
    url.searchParams.delete('key');
    history.replaceState(null, '', url);
  }
  const stored = sessionStorage.getItem(STORAGE_KEY);
  return stored ? (JSON.parse(stored) as Credential) : null;
}

export function saveCredential(credential: Credential): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credential));
}

export function forgetCredential(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export function authHeaders(credential: Credential): Record<string, string> {
  return 'apiKey' in credential ? { 'X-API-Key': credential.apiKey } : { Authorization: `Bearer ${credential.token}` };
}

/** A login form (username + password → JWT, or an API key pasted) that resolves once a credential works. */
export function askForCredential(container: HTMLElement, reason: string): Promise<Credential> {
  container.replaceChildren();
  const form = document.createElement('form');
  form.className = 'login';
  form.innerHTML = `
    <h1>Đăng nhập IOC</h1>
    <p class="login-reason"></p>
    <label>Tên đăng nhập <input name="username" autocomplete="username"></label>
    <label>Mật khẩu <input name="password" type="password" autocomplete="current-password"></label>
    <p class="login-or">hoặc khóa API (màn hình treo tường)</p>
    <label>Khóa API <input name="apiKey" autocomplete="off"></label>
    <button type="submit">Đăng nhập</button>`;
  form.querySelector('.login-reason')!.textContent = reason;
  container.append(form);
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const apiKey = String(data.get('apiKey') ?? '').trim();
      const finish = (credential: Credential): void => {
        saveCredential(credential);
        form.remove();
        resolve(credential);
      };
      if (apiKey) return finish({ apiKey });
      void fetch('/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: data.get('username'), password: data.get('password') }),
      }).then(async (response) => {
        const body = (await response.json()) as { accessToken?: string; message?: string };
        if (response.ok && body.accessToken) finish({ token: body.accessToken });
        else form.querySelector('.login-reason')!.textContent = body.message ?? `Đăng nhập thất bại (${response.status})`;
      });
    });
  });
}
