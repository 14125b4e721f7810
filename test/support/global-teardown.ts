import { rm } from 'node:fs/promises';
import { BACKING, type WithBacking } from './global-setup';

/** Stops the embedded servers the global setup started, and removes their throw-away data. */
export default async function globalTeardown(): Promise<void> {
  const backing = (globalThis as WithBacking)[BACKING];
  if (!backing) return;
  await backing.services.stop();
  await rm(backing.dataDir, { recursive: true, force: true });
}
