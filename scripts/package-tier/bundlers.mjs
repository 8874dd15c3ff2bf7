// Builds an app folder (index.html + src/index.js, dependencies installed in its node_modules) with
// each bundler, in this process, with no configuration beyond the bundler's defaults: Vite (the
// app's index.html), esbuild (bundle + ESM splitting, so on-demand imports stay separate files),
// webpack 5 (its default entry src/index.js; `--mode development`, which skips minifying the
// 700 KB stage SDK: production mode builds the same graph, only slower), Rollup (the node-resolve and
// commonjs plugins every Rollup app uses; amazon-ivs-web-broadcast is CommonJS).
// Each writes into <app>/dist-<bundler>/ an index.html that loads its output.
import { readdirSync, statSync } from 'node:fs';
import { readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const BUNDLERS = ['vite', 'esbuild', 'webpack', 'rollup'];

function sizeOf(dir) {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += statSync(join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return { files, bytes };
}

async function page(app, outDir, script) {
  const html = (await readFile(join(app, 'index.html'), 'utf8')).replace(/<script[^>]*><\/script>/, script);
  await writeFile(join(outDir, 'index.html'), html);
}

/** Bundles `app` with `bundler`; resolves with the output folder, its file count and size. */
export async function bundleApp(bundler, app) {
  const outDir = join(app, `dist-${bundler}`);
  await rm(outDir, { recursive: true, force: true });
  if (bundler === 'vite') {
    const { build } = await import('vite');
    await build({ root: app, configFile: false, logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 2000 } });
  } else if (bundler === 'esbuild') {
    const { build } = await import('esbuild');
    await build({ absWorkingDir: app, entryPoints: ['src/index.js'], bundle: true, format: 'esm', splitting: true, outdir: outDir, minify: true, logLevel: 'error' });
    await page(app, outDir, '<script type="module" src="./index.js"></script>');
  } else if (bundler === 'webpack') {
    const { default: webpack } = await import('webpack');
    const stats = await new Promise((resolve, reject) =>
      webpack({ mode: 'development', context: app, output: { path: outDir } }, (error, result) => (error ? reject(error) : resolve(result))),
    );
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
    await page(app, outDir, '<script src="./main.js"></script>');
  } else if (bundler === 'rollup') {
    const { rollup } = await import('rollup');
    const { default: nodeResolve } = await import('@rollup/plugin-node-resolve');
    const { default: commonjs } = await import('@rollup/plugin-commonjs');
    const bundle = await rollup({
      input: join(app, 'src/index.js'),
      plugins: [nodeResolve({ browser: true, rootDir: app }), commonjs()],
      onwarn: (warning, warn) => (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY' ? undefined : warn(warning)),
    });
    await mkdir(outDir, { recursive: true });
    await bundle.write({ dir: outDir, format: 'es' });
    await bundle.close();
    await page(app, outDir, '<script type="module" src="./index.js"></script>');
  } else {
    throw new Error(`unknown bundler ${bundler}`);
  }
  return { dir: outDir, ...sizeOf(outDir) };
}
