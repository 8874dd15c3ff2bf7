/**
 * Build of the `ivs-local` package (see scripts/build.mjs): its library entry and its CLI, for
 * Node. Every package import (werift, ws, jose, the SigV4 signer, `aws-ivs-realtime/protocol`)
 * stays external: they are the package's dependencies.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: true,
    ssr: true,
    lib: {
      entry: { index: 'src/index.ts', 'bin/ivs-local': 'src/bin/ivs-local.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      // Relative imports are bundled; anything else (packages, node: builtins) is a dependency.
      external: (id: string) => !id.startsWith('.') && !id.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(id) && !id.startsWith('\0'),
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
