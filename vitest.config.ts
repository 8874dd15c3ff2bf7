import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The tests run the sources of both workspace packages: `aws-ivs-realtime/<entry>` (as ivs-local
    // imports it) and `ivs-local` resolve to src/, not to a build.
    alias: [
      { find: /^aws-ivs-realtime$/, replacement: fromRoot('./src/index.ts') },
      { find: /^aws-ivs-realtime\/(stage|chat)$/, replacement: fromRoot('./src/entries/$1.ts') },
      { find: /^aws-ivs-realtime\/(.+)$/, replacement: fromRoot('./src/$1.ts') },
      { find: /^ivs-local$/, replacement: fromRoot('./packages/ivs-local/src/index.ts') },
    ],
  },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
