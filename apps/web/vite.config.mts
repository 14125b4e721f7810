import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

/**
 * Two pages and the push service worker, served by the gateway under /app (bundles) with the
 * pages at /display/:dashboard and /leader. Contracts are imported for their types only.
 */
export default defineConfig({
  root,
  base: '/app/',
  publicDir: false,
  build: {
    outDir: resolve(root, '../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      input: {
        display: resolve(root, 'display.html'),
        leader: resolve(root, 'leader.html'),
        sw: resolve(root, 'src/sw.ts'),
      },
      // The service worker keeps a stable name: its URL is its identity for the browser.
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
});
