import type { ChildProcess } from 'node:child_process';
import WebSocket from 'ws';

/** Node option that opens a child's inspector on a free local port (its address goes to stderr). */
export const INSPECT_OPTION = '--inspect=127.0.0.1:0';

/** The inspector address a child started with INSPECT_OPTION prints, once it has. */
export function inspectorUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(output);
      if (match) {
        child.stderr!.off('data', onData);
        resolveUrl(match[1]!);
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`the process exited before its inspector listened:\n${output.slice(-1000)}`)));
  });
}

/**
 * A full garbage collection in the process behind `url`, then its memory: what its live objects
 * take, without the garbage a young generation holds until its next scavenge (up to tens of MB,
 * which makes RSS alone a noisy measure of memory per connection).
 */
export async function memoryAfterGc(url: string): Promise<{ heapUsed: number; rss: number; external: number }> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolveOpen, reject) => {
    socket.once('open', () => resolveOpen());
    socket.once('error', reject);
  });
  let id = 0;
  const call = (method: string, params: Record<string, unknown> = {}): Promise<{ result?: { result?: { value?: string } } }> =>
    new Promise((resolveCall, reject) => {
      const callId = (id += 1);
      const onMessage = (data: WebSocket.RawData): void => {
        const message = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
        if (message.id !== callId) return;
        socket.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolveCall(message as { result?: { result?: { value?: string } } });
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id: callId, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const answer = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    return JSON.parse(answer.result?.result?.value ?? '{}') as { heapUsed: number; rss: number; external: number };
  } finally {
    socket.close();
  }
}
