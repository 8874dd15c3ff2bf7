/**
 * Where the end-to-end suite takes the package from.
 *
 * By default the BUILT package (`dist/`), exactly what npm users get: the harness page imports
 * `aws-ivs-realtime` resolved to `dist/index.js` (see build-harness.mjs), and ivs-local is started
 * from the `ivs-local` package's build (`packages/ivs-local/dist/index.js`).
 * With `E2E_SOURCE=1` both come from `src/` instead (for working on the SDK without rebuilding).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const e2eRoot = join(repoRoot, 'tests/e2e');
/**
 * Where a run writes (harness build, ivs-local data file, report, test results). `scripts/e2e.sh`
 * gives every run its own directory (E2E_OUT_DIR), so concurrent runs never share files.
 */
export const outRoot = process.env.E2E_OUT_DIR ?? join(e2eRoot, '.out');

/** `source` when E2E_SOURCE=1, else `dist`. */
export function packageMode(): 'dist' | 'source' {
  return process.env.E2E_SOURCE === '1' ? 'source' : 'dist';
}

/** What the suite uses of a running ivs-local (the public `startLocalIvs()` result). */
export interface LocalIvsInstance {
  readonly url: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  close(): Promise<void>;
}

interface LocalEntry {
  startLocalIvs(options?: { port?: number; host?: string; dataFile?: string }): Promise<LocalIvsInstance>;
}

/** Imports `startLocalIvs` from ivs-local's build (or its sources with E2E_SOURCE=1). */
export async function loadLocalEntry(): Promise<LocalEntry> {
  if (packageMode() === 'source') {
    return (await import(pathToFileURL(join(repoRoot, 'packages/ivs-local/src/index.ts')).href)) as LocalEntry;
  }
  const built = join(repoRoot, 'packages/ivs-local/dist/index.js');
  if (!existsSync(built)) {
    throw new Error(`${built} does not exist. Run \`npm run build\` first (or set E2E_SOURCE=1 to test the sources).`);
  }
  return (await import(pathToFileURL(built).href)) as LocalEntry;
}
