/**
 * Bundle size of the `.` entry's own code, as a web app ships it (minified, gzip level 9).
 * Dependencies (`amazon-ivs-web-broadcast`, `amazon-ivs-chat-messaging`) are external and excluded.
 *
 * Two figures:
 * - `app`: an app that imports StageSession + StageGrid + ChatSession + HttpControlPlane, bundled
 *   and tree-shaken by esbuild: what the 15 KB budget is about;
 * - `entry`: everything `.` exports, statically reachable code only.
 * Chunks loaded on first use (the local stage driver) are listed separately.
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
      chunkNames: 'chunk-[hash]',
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
    return { gzipBytes, minifiedBytes, lazyChunks };
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
