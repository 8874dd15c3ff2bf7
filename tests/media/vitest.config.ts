import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import root from '../../vitest.config';

/**
 * The media tier: tests that move WebRTC media between Node peers (bots, WHEP viewers, the load
 * test) through ivs-local. Run inside a sealed network namespace: `scripts/media-test.sh`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  // The same sources as the main tier: `aws-ivs-realtime/*` and `ivs-local` resolve to src/.
  resolve: root.resolve,
  test: {
    include: ['tests/media/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
