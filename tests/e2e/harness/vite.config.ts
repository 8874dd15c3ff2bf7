/**
 * Builds the e2e harness page the way an application would: its `./sdk` module is the package
 * entry `aws-ivs-realtime`, i.e. the built `dist/index.js` (or `src/index.ts` when E2E_SOURCE=1).
 */
import { defineConfig } from 'vite';
import { join } from 'node:path';
import { browserEntry, e2eRoot, outRoot } from '../support/package';

export default defineConfig({
  root: join(e2eRoot, 'harness'),
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: /^\.\/sdk$/, replacement: browserEntry() },
      { find: /^aws-ivs-realtime$/, replacement: browserEntry() },
    ],
  },
  build: {
    outDir: join(outRoot, 'harness'),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: true,
  },
});
