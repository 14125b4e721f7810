import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** A TCP port some process already listens on. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
    readonly holder: string | null,
    readonly variable: string,
  ) {
    super(`port ${port} (${what}) is already in use by ${holder ?? 'another process'}. Stop it or set ${variable} to a free port.`);
    this.name = 'PortInUseError';
  }
}

/** Resolves true when nothing listens on host:port (we could bind it ourselves). */
export function isPortFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below the kernel's ephemeral range, for a server started on a port chosen for it:
 * a port inside that range may be given to any outgoing connection on the machine between the
 * check and the listen (or between a stop and a restart), and the server would find it taken.
 */
export async function stablePort(host = '127.0.0.1'): Promise<number> {
  let ephemeralLow = 32768;
  try {
    ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralLow;
  } catch {
    // Not Linux: the IANA range starts at 49152, Linux's default at 32768; stay below both.
  }
  const high = Math.min(ephemeralLow, 32768) - 1;
  const low = 20_000;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await isPortFree(port, host)) return port;
  }
  throw new Error(`no free port between ${low} and ${high} in 100 tries`);
}

/** Inodes of the sockets listening on `port` (state 0A = LISTEN), read from /proc/net/tcp{,6}. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== '0A') continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * "pid 1234 (node dist/apps/gateway/src/main.js)" for the process listening on `port`, from
 * /proc (Linux). null where that cannot be read: another OS, or a process of another user.
 */
export function describePortHolder(port: number): string | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        let command = '';
        try {
          command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        } catch {
          // the process ended while we looked
        }
        return command ? `pid ${pid} (${command.length > 120 ? `${command.slice(0, 117)}...` : command})` : `pid ${pid}`;
      }
    }
  }
  return null;
}

/** Throws PortInUseError, naming the holder, when host:port cannot be bound. */
export async function assertPortFree(port: number, what: string, variable: string, host = '0.0.0.0'): Promise<void> {
  if (port === 0 || (await isPortFree(port, host))) return;
  throw new PortInUseError(port, what, describePortHolder(port), variable);
}
