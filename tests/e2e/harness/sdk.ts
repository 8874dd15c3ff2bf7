/**
 * The package under test, as the harness imports it. At build time Vite replaces this module with
 * the package's public entry, `aws-ivs-realtime` → `dist/index.js` (or `src/index.ts` with
 * E2E_SOURCE=1; see support/build-harness.mjs). For the type checker it is the sources' public entry, so
 * `tsc` needs no build.
 */
export * from '../../../src/index';
