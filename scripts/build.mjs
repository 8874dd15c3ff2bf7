#!/usr/bin/env node
// Builds the package: browser entries, Node entries (server handler, emulator, CLI), declarations,
// then checks that every `exports` path exists and that `.` stays free of AWS SDK code.
// Everything is built into a staging folder and swapped in only when all steps pass, so a failed
// build never leaves a half-written `dist/` behind.
import { rm, readFile, writeFile, chmod, rename } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { build } from 'vite';

const stage = '.dist-build';
await rm(stage, { recursive: true, force: true });
try {
  await build({ mode: 'browser', logLevel: 'warn', build: { outDir: stage } });
  await build({ mode: 'node', logLevel: 'warn', build: { outDir: stage } });

  // The CLI needs a shebang to run as `ivs-local`.
  const bin = `${stage}/bin/ivs-local.js`;
  const source = await readFile(bin, 'utf8');
  if (!source.startsWith('#!')) await writeFile(bin, `#!/usr/bin/env node\n${source}`);
  await chmod(bin, 0o755);

  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', stage], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/check-exports.mjs'], { stdio: 'inherit', env: { ...process.env, DIST_DIR: stage } });
} catch (error) {
  await rm(stage, { recursive: true, force: true });
  console.error(`build failed; dist/ was left as it was. ${error instanceof Error ? error.message.split('\n')[0] : ''}`);
  process.exit(1);
}
await rm('dist', { recursive: true, force: true });
await rename(stage, 'dist');
