/**
 * End-to-end suite: real Debian Chromium with a fake camera and microphone, the built package,
 * ivs-local and the harness page, all inside the sealed network namespace made by
 * `scripts/netns-run.sh` (run through `scripts/e2e.sh`).
 */
import { defineConfig } from '@playwright/test';
import { join } from 'node:path';
import { CHROMIUM_ARGS, chromiumExecutable } from './support/chromium.mjs';
import { outRoot } from './support/package';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  testIgnore: '.out/**',
  outputDir: join(outRoot, 'test-results'),
  globalSetup: './global-setup.ts',
  // Two cores, and every test drives several pages, each with live WebRTC.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  // ivs-sdk.spec.ts waits about 65 s for the real IVS SDK to give up joining offline.
  globalTimeout: 12 * 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: join(outRoot, 'report.json') }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [...CHROMIUM_ARGS],
    },
    permissions: ['camera', 'microphone'],
    trace: 'off',
    video: 'off',
    screenshot: 'off',
  },
});
