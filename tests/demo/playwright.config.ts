/**
 * Demo tests: the demo app (`npm run demo`) driven as a user drives it, in real Debian Chromium with
 * a fake camera and microphone, inside the sealed network namespace made by `scripts/netns-run.sh`
 * (run through `scripts/demo-test.sh`). The demo server is started by `global-setup.ts` on a free
 * port, on ivs-local.
 */
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/chromium.mjs';

const artifacts = fileURLToPath(new URL('../../.artifacts/demo/', import.meta.url));

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: `${artifacts}test-results`,
  globalSetup: './global-setup.ts',
  // Two cores; the flow drives two browsers with live WebRTC.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: `${artifacts}report.json` }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [...CHROMIUM_ARGS],
    },
    permissions: ['camera', 'microphone'],
    viewport: { width: 1280, height: 800 },
    trace: 'off',
    video: 'off',
    screenshot: 'only-on-failure',
  },
});
