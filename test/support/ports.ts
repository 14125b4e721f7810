import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isPortFree } from '@ioc/platform';

/** A port nobody listens on: bind one, note it, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A free port below the kernel's ephemeral range, for a server that must get the same port back
 * after a restart: a port from freePort() lies inside that range, and once released any outgoing
 * connection on the machine may be given it as its local port.
 */
export async function stablePort(): Promise<number> {
  const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const high = Math.min(ephemeralLow ?? 32768, 32768) - 1;
  const low = 20_000;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await isPortFree(port, '127.0.0.1')) return port;
  }
  throw new Error(`no free port between ${low} and ${high} in 100 tries`);
}
