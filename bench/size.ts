/**
 * Bundle size of the `.` entry's own code, as a web app ships it (minified, gzip level 9).
 * Dependencies (`amazon-ivs-web-broadcast`, `amazon-ivs-chat-messaging`) are external and excluded.
 *
 * Two figures:
 * - `app`: an app that imports StageSession + StageGrid + ChatSession + HttpControlPlane, bundled
 *   and tree-shaken by esbuild: what the 15 KB budget is about;
 * - `entry`: everything `.` exports, statically reachable code only.
 * Chunks loaded on first use (the stage and chat engines, the grid's renderer, HttpControlPlane's
 * requests, the local stage driver) are listed separately, with the total an app has loaded once it
 * has used all four classes against Amazon IVS (every chunk but the local stage driver's).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { inventory } from '../scripts/package-tier/inventory.mjs';

export interface SizeFigures {
  /** gzip bytes of the statically loaded code. */
  gzipBytes: number;
  minifiedBytes: number;
  /** Chunks fetched only on first use: name → gzip bytes. */
  lazyChunks: Record<string, number>;
  /** Static code plus every chunk but the local stage driver's: what a page has loaded once it used everything on Amazon IVS. */
  afterFirstUseGzipBytes: number;
}

export interface SizeResult {
  app: SizeFigures;
  entry: SizeFigures;
  budgetBytes: number;
}

async function bundle(source: string): Promise<SizeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ivs-size-'));
  try {
    const entry = join(dir, 'entry.js');
    writeFileSync(entry, source);
    // esbuild, as size-limit does: bundle, tree-shake, minify, split lazy imports into chunks.
    await esbuild.build({
      entryPoints: { app: entry },
      bundle: true,
      splitting: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      outdir: join(dir, 'out'),
      // Chunks loaded on first use are named after their module (stage-connection-…, chat-connection-…).
      chunkNames: '[name]-[hash]',
      alias: { 'aws-ivs-realtime': resolve('src/index.ts') },
      external: ['amazon-ivs-web-broadcast', 'amazon-ivs-chat-messaging'],
      logLevel: 'silent',
    });
    const out = join(dir, 'out');
    const gz = (f: string) => gzipSync(readFileSync(join(out, f)), { level: 9 }).length;
    const lazyChunks: Record<string, number> = {};
    // Chunks the entry imports statically count as its own code; the rest load on first use.
    const main = readFileSync(join(out, 'app.js'), 'utf8');
    const staticChunks = [...main.matchAll(/from\s*"\.\/([^"]+)"|import\s*"\.\/([^"]+)"/g)].map((m) => (m[1] ?? m[2])!);
    let gzipBytes = gz('app.js');
    let minifiedBytes = main.length;
    for (const f of readdirSync(out)) {
      if (f === 'app.js' || !f.endsWith('.js')) continue;
      if (staticChunks.includes(f)) {
        gzipBytes += gz(f);
        minifiedBytes += readFileSync(join(out, f)).length;
      } else lazyChunks[f] = gz(f);
    }
    const afterFirstUseGzipBytes =
      gzipBytes + Object.entries(lazyChunks).reduce((sum, [name, bytes]) => (name.startsWith('local-stage') ? sum : sum + bytes), 0);
    return { gzipBytes, minifiedBytes, lazyChunks, afterFirstUseGzipBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureSize(budgetBytes = 15 * 1024): Promise<SizeResult> {
  const app = await bundle(
    `import { StageSession, StageGrid, ChatSession, HttpControlPlane } from 'aws-ivs-realtime';\n` +
      `export { StageSession, StageGrid, ChatSession, HttpControlPlane };\n`,
  );
  const entry = await bundle(`export * from 'aws-ivs-realtime';\n`);
  return { app, entry, budgetBytes };
}

/** What `npm i aws-ivs-realtime amazon-ivs-web-broadcast amazon-ivs-chat-messaging` installs. */
export interface InstallFigures {
  /** aws-ivs-realtime (packed from this checkout's build) with both IVS SDKs. */
  browserUser: { packages: number; megabytes: number };
  /** Baseline measured in the same run: the two IVS SDKs alone. */
  ivsSdksOnly: { packages: number; megabytes: number };
  /** The same install before ivs-local and the AWS SDK left the package's dependencies. */
  before: { packages: number; megabytes: number };
}

function npm(args: string[], cwd: string): void {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${result.stdout}${result.stderr}`);
}

/**
 * Installs the browser user's packages into a fresh folder (the package packed from `dist/`, the
 * IVS SDKs from the registry or the local npm cache) and counts what arrived.
 */
export async function measureBrowserInstall(): Promise<InstallFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ivs-install-'));
  try {
    npm(['pack', '--silent', '--pack-destination', dir], process.cwd());
    const tgz = readdirSync(dir).find((f) => f.startsWith('aws-ivs-realtime-') && f.endsWith('.tgz'))!;
    const figures = (name: string, specs: string[]) => {
      const app = join(dir, name);
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name, private: true }));
      npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error', ...specs], app);
      const { packages, bytes } = inventory(app);
      return { packages: packages.length, megabytes: Math.round(bytes / 1e5) / 10 };
    };
    const peers = ['amazon-ivs-web-broadcast', 'amazon-ivs-chat-messaging'];
    return {
      browserUser: figures('browser-user', [join(dir, tgz), ...peers]),
      ivsSdksOnly: figures('ivs-sdks-only', peers),
      before: { packages: 234, megabytes: 101 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
