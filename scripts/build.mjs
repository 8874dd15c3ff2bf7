#!/usr/bin/env node
// Builds both packages of the repository:
// 1. `aws-ivs-realtime` (this folder): one Vite pass over every entry (vite.config.ts), declarations
//    with `tsc` (relative imports given explicit `.js` extensions), then scripts/check-exports.mjs
//    and scripts/check-public-types.mjs (every type a public signature uses is exported);
// 2. `ivs-local` (packages/ivs-local): its library entry and CLI (packages/ivs-local/vite.config.ts)
//    and declarations. It imports `aws-ivs-realtime/protocol`, so it is built second.
// Each package is built into a staging folder and swapped in only when all its steps pass, so a
// failed build never leaves a half-written `dist/` behind.
import { rm, readFile, writeFile, chmod, rename } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'vite';

const tsc = (project, outDir) =>
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--outDir', outDir], { stdio: 'inherit' });
const fixDeclarations = (dir) => execFileSync(process.execPath, ['scripts/fix-dts-extensions.mjs', dir], { stdio: 'inherit' });

async function staged(name, dist, steps) {
  const stage = join(dist, '..', '.dist-build');
  await rm(stage, { recursive: true, force: true });
  try {
    await steps(stage);
  } catch (error) {
    await rm(stage, { recursive: true, force: true });
    console.error(`build of ${name} failed; its dist/ was left as it was. ${error instanceof Error ? error.message.split('\n')[0] : ''}`);
    process.exit(1);
  }
  await rm(dist, { recursive: true, force: true });
  await rename(stage, dist);
}

await staged('aws-ivs-realtime', 'dist', async (stage) => {
  await build({ logLevel: 'warn', build: { outDir: stage } });
  tsc('tsconfig.build.json', stage);
  fixDeclarations(stage);
  execFileSync(process.execPath, ['scripts/check-exports.mjs'], { stdio: 'inherit', env: { ...process.env, DIST_DIR: stage } });
});
// Every type a public signature uses is exported (checked on the swapped-in dist/).
execFileSync(process.execPath, ['scripts/check-public-types.mjs'], { stdio: 'inherit' });

const localRoot = 'packages/ivs-local';
await staged('ivs-local', join(localRoot, 'dist'), async (stage) => {
  await build({ configFile: join(localRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir: join(process.cwd(), stage) } });
  // The CLI needs a shebang to run as `ivs-local`.
  const bin = join(stage, 'bin/ivs-local.js');
  const source = await readFile(bin, 'utf8');
  if (!source.startsWith('#!')) await writeFile(bin, `#!/usr/bin/env node\n${source}`);
  await chmod(bin, 0o755);
  tsc(join(localRoot, 'tsconfig.build.json'), stage);
  fixDeclarations(stage);
  const pkg = JSON.parse(readFileSync(join(localRoot, 'package.json'), 'utf8'));
  const files = [pkg.bin['ivs-local'], ...Object.values(pkg.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)))];
  const missing = files.filter((file) => file.startsWith('./dist/') && !existsSync(join(stage, file.slice('./dist/'.length))));
  if (missing.length) throw new Error(`ivs-local: ${missing.join(', ')} not built`);
});
execFileSync(process.execPath, ['scripts/check-public-types.mjs', localRoot], { stdio: 'inherit' });
