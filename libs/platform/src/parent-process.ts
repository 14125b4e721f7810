/**
 * A process started by `npm start`'s launcher has an IPC channel to it. When the channel
 * closes the launcher is gone (stopped, crashed or SIGKILLed): stop as if SIGTERM had come,
 * so no app outlives the stack it belongs to. Without a channel (Docker, Kubernetes, tests)
 * this does nothing.
 */
export function exitWithParent(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
