/**
 * Library build of `aws-ivs-realtime` (see scripts/build.mjs): ONE Vite pass over every entry, ES
 * modules with code splitting. One pass means one copy of each module: the error classes that
 * `aws-ivs-realtime/sigv4` throws are the ones `aws-ivs-realtime/server` checks, and the peer SDKs
 * and on-demand parts (stage engine, grid renderer, chat engine, local stage driver) are chunks
 * loaded on first use.
 * Every dependency stays external: the package ships its own code only.
 *
 * The emulator package has its own config: packages/ivs-local/vite.config.ts.
 */
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const deps = [
  ...Object.keys((pkg as { dependencies?: Record<string, string> }).dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
];
const external = (id: string): boolean =>
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  id.startsWith('@aws-sdk/') ||
  id.startsWith('@smithy/') ||
  deps.some((dep) => id === dep || id.startsWith(`${dep}/`));

/** Every `exports` subpath's source (`.` is `index`). */
export const entries: Record<string, string> = {
  index: 'src/index.ts',
  'entries/stage': 'src/entries/stage.ts',
  'entries/chat': 'src/entries/chat.ts',
  sigv4: 'src/sigv4.ts',
  server: 'src/server.ts',
  protocol: 'src/protocol.ts',
};

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: { entry: entries, formats: ['es'] },
    rollupOptions: {
      external,
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
