// Builds the e2e harness page with Vite, the way an application is built: it imports
// `aws-ivs-realtime`, resolved to the built `dist/index.js` (or `src/index.ts` when testing the
// sources). Shared by the e2e global setup and the media benchmarks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * @param {{ outDir: string, source?: boolean }} options where to write (emptied first; serve it
 *   with the static server), and `source: true` to bundle `src/` instead of `dist/`.
 * @returns {Promise<string>} the output directory
 */
export async function buildHarness(options) {
  const entry = options.source ? join(repoRoot, 'src/index.ts') : join(repoRoot, 'dist/index.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} does not exist. Run \`npm run build\` first (or set E2E_SOURCE=1 to test the sources).`);
  }
  await build({
    configFile: false,
    root: join(repoRoot, 'tests/e2e/harness'),
    logLevel: 'warn',
    resolve: {
      alias: [{ find: /^aws-ivs-realtime$/, replacement: entry }],
    },
    build: { outDir: options.outDir, emptyOutDir: true, target: 'es2022', minify: false, sourcemap: true },
  });
  return options.outDir;
}
