#!/usr/bin/env node
// Builds the package: browser entries, Node entries (server handler, emulator, CLI), declarations,
// then checks that every `exports` path exists and that `.` stays free of AWS SDK code.
import { rm, readFile, writeFile, chmod } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { build } from 'vite';

await rm('dist', { recursive: true, force: true });
await build({ mode: 'browser', logLevel: 'warn' });
await build({ mode: 'node', logLevel: 'warn' });

// The CLI needs a shebang to run as `ivs-local`.
const bin = 'dist/bin/ivs-local.js';
const source = await readFile(bin, 'utf8');
if (!source.startsWith('#!')) await writeFile(bin, `#!/usr/bin/env node\n${source}`);
await chmod(bin, 0o755);

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
execFileSync(process.execPath, ['scripts/check-exports.mjs'], { stdio: 'inherit' });
