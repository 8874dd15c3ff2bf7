// Chromium settings shared by the end-to-end tests and the media benchmarks.
import { existsSync } from 'node:fs';

/** The exact command-line switches every browser of the e2e suite and the benchmarks runs with. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
]);

/**
 * The Chromium binary to drive: `CHROMIUM_PATH`, else the distribution's `/usr/bin/chromium`.
 * (Playwright's own browser downloads are not used.)
 */
export function chromiumExecutable() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('No Chromium found: install chromium or set CHROMIUM_PATH to a Chromium/Chrome binary.');
}
