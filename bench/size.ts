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
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

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
