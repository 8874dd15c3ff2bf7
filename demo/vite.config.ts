/**
 * Vite config of the demo app. `npm run demo` (scripts/demo.mjs) uses it and adds the `/api`
 * middleware; `vite build demo` builds the page alone.
 *
 * The demo imports the SDK the way an app does (`aws-ivs-realtime`, `aws-ivs-realtime/sigv4`);
 * the aliases below point those names at the sources so the demo always runs the current code
 * (`aws-ivs-realtime/protocol` too: the ivs-local sources `npm run demo` loads import it).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const source = (file: string) => fileURLToPath(new URL(`../src/${file}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // One network rule for the whole project: loopback only.
  server: { host: '127.0.0.1', fs: { allow: [repoRoot] } },
  preview: { host: '127.0.0.1' },
  resolve: {
    alias: [
      { find: /^aws-ivs-realtime\/(sigv4|server|protocol)$/, replacement: source('$1.ts') },
      { find: /^aws-ivs-realtime$/, replacement: source('index.ts') },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // amazon-ivs-web-broadcast is one ~700 kB chunk, loaded only when joining an Amazon IVS stage.
    chunkSizeWarningLimit: 800,
  },
  clearScreen: false,
});
