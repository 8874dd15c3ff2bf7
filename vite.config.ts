/**
 * Library build. Two passes (see scripts/build.mjs):
 * - `browser`: the entries a web page imports (`.` and `./sigv4`), ES modules with code splitting so
 *   the IVS media SDK and the local stage driver load on first use;
 * - `node`: the server handler, the emulator and its CLI.
 * Every dependency stays external: the package ships its own code only.
 */
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const deps = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  ...Object.keys((pkg as { optionalDependencies?: Record<string, string> }).optionalDependencies ?? {}),
];
const external = (id: string): boolean =>
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  id.startsWith('@aws-sdk/') ||
  id.startsWith('@smithy/') ||
  deps.some((dep) => id === dep || id.startsWith(`${dep}/`));

const browserEntries: Record<string, string> = { index: 'src/index.ts', sigv4: 'src/sigv4.ts' };
const nodeEntries: Record<string, string> = {
  server: 'src/server.ts',
  local: 'src/local.ts',
  'bin/ivs-local': 'src/bin/ivs-local.ts',
};

export default defineConfig(({ mode }) => {
  const node = mode === 'node';
  return {
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: node ? 'node20' : 'es2022',
      minify: false,
      sourcemap: true,
      ssr: node,
      lib: {
        entry: node ? nodeEntries : browserEntries,
        formats: ['es'],
      },
      rollupOptions: {
        external,
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: node ? 'chunks/node-[name]-[hash].js' : 'chunks/[name]-[hash].js',
        },
      },
    },
  };
});
