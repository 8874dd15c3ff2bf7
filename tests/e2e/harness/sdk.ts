/**
 * The package under test, re-exported for harness modules that import it relatively.
 * `aws-ivs-realtime` is the built `dist/index.js` in the harness bundle (or `src/index.ts` with
 * E2E_SOURCE=1; see support/build-harness.mjs), and the sources for the type checker (tsconfig paths).
 */
export * from 'aws-ivs-realtime';
