/**
 * Starts what every spec shares, inside the runner process: the harness page (built with Vite and
 * served on 127.0.0.1, a secure context) and ivs-local. Workers find them through environment
 * variables (set here, before workers start).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { buildHarness } from './support/build-harness.mjs';
import { startStaticServer } from './support/static-server.mjs';
import { loadLocalEntry, outRoot, packageMode } from './support/package';

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  if (process.env.IVS_NETNS !== '1') {
    console.warn('e2e: not inside a network namespace (run through scripts/e2e.sh to isolate WebRTC traffic).');
  }
  const started = Date.now();
  const harness = await startStaticServer(await buildHarness({ outDir: join(outRoot, 'harness'), source: packageMode() === 'source' }));
  const { startLocalIvs } = await loadLocalEntry();
  await mkdir(outRoot, { recursive: true });
  const ivs = await startLocalIvs({ port: 0 });
  process.env.E2E_HARNESS_URL = harness.url;
  process.env.E2E_IVS_URL = ivs.url;
  process.env.E2E_IVS_REGION = ivs.region;
  process.env.E2E_IVS_ACCESS_KEY_ID = ivs.credentials.accessKeyId;
  process.env.E2E_IVS_SECRET_ACCESS_KEY = ivs.credentials.secretAccessKey;
  console.log(
    `e2e: package from ${packageMode()}, harness ${harness.url}, ivs-local ${ivs.url} (ready in ${Date.now() - started} ms)`,
  );
  return async () => {
    await ivs.close();
    await harness.close();
  };
}
