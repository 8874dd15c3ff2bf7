/** Helpers shared by the demo specs. */
import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOTS = fileURLToPath(new URL('../../.artifacts/screenshots/', import.meta.url));

/** The running demo's URL (set by tests/demo/global-setup.ts). */
export function demoUrl(): string {
  const url = process.env.DEMO_URL;
  if (!url) throw new Error('DEMO_URL is not set: run through tests/demo/playwright.config.ts.');
  return url;
}

/** Saves a screenshot to `.artifacts/screenshots/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}.png`;
  await page.screenshot({ path });
  return path;
}
