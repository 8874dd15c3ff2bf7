/** Helpers shared by the demo specs. */
import type { Browser, BrowserContext, Page } from '@playwright/test';
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

/** A host and a viewer: two browser contexts (separate storage, like two people) with a page each. */
export interface HostAndViewer {
  hostContext: BrowserContext;
  viewerContext: BrowserContext;
  host: Page;
  viewer: Page;
}

/**
 * Opens a host and a viewer; uncaught page errors are appended to `pageErrors` as `host: …` /
 * `viewer: …`. `prepareHost` runs on the host's context before its page opens (init scripts).
 */
export async function openHostAndViewer(
  browser: Browser,
  pageErrors: string[],
  prepareHost?: (context: BrowserContext) => Promise<void>,
): Promise<HostAndViewer> {
  const hostContext = await browser.newContext();
  const viewerContext = await browser.newContext();
  await prepareHost?.(hostContext);
  const host = await hostContext.newPage();
  const viewer = await viewerContext.newPage();
  for (const [who, page] of [['host', host], ['viewer', viewer]] as const) {
    page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
  }
  return { hostContext, viewerContext, host, viewer };
}
