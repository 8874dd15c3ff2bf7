#!/usr/bin/env node
// The `package` test tier: what npm users get, tested from the packed tarballs.
//
// 1. Packs `aws-ivs-realtime` and `ivs-local` (`npm pack`) from the current build.
// 2. Installs them into fresh temporary apps (npm, from the tarballs + the registry/local cache):
//    - browser: aws-ivs-realtime + amazon-ivs-web-broadcast + amazon-ivs-chat-messaging
//      (the README's install line): no Node-only package may arrive; count and size are printed;
//    - stage-only: aws-ivs-realtime + amazon-ivs-web-broadcast (no chat SDK);
//    - chat-only: aws-ivs-realtime + amazon-ivs-chat-messaging (no stage SDK);
//    - server: aws-ivs-realtime + ivs-local + the AWS SDK clients.
// 3. Checks, each counted as one test:
//    - TypeScript consumers (skipLibCheck) compile correct code and reject a deliberate type error
//      under moduleResolution nodenext, bundler and node10;
//    - the stage-only and chat-only apps build with Vite, esbuild, webpack 5 and Rollup, each with
//      no configuration beyond its defaults (Rollup: the usual node-resolve + commonjs plugins);
//    - in Chromium (scripts/package-tier/browser.mjs, inside a sealed network namespace), every
//      stage bundle loads no stage SDK code before join() and a host join() constructs the real
//      Stage and LocalStageStream and fails with a typed StageError "join" (the token's endpoints
//      are unreachable); every chat bundle loads and constructs ChatSession;
//    - scripts/package-tier/server-checks.mjs in the server app: createControlPlaneHandler over
//      SigV4ControlPlane answers 404 / 409 / 429 (+ Retry-After) / 504, /server works and /sigv4
//      fails with the install command when the AWS SDK is missing, the ivs-local CLI.
// Ends with one line: `package: N passed, N failed, N skipped`.
//
//   node scripts/package-tier/run.mjs [--keep]      (--keep leaves the temporary apps in place)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const { inventory } = await import('./inventory.mjs');
const keep = process.argv.includes('--keep');
const results = { passed: 0, failed: 0, skipped: 0 };
const started = Date.now();

function log(line) {
  console.log(`package: ${line}`);
}

/** Runs one check, counted as one test. */
async function check(name, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    results.passed += 1;
    log(`ok   ${name}${note ? ` — ${note}` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.failed += 1;
    log(`FAIL ${name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
}

function skip(name, why) {
  results.skipped += 1;
  log(`skip ${name}: ${why}`);
}

/** Runs a command; resolves with its output, rejects with it on a non-zero exit. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repo, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 || options.allowFailure) resolve({ code, out });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${out.slice(-4000)}`));
    });
  });
}

const NODE_ONLY = /^(werift|ws|jose|@aws-sdk\/.*|@smithy\/.*|@aws-crypto\/.*|ivs-local)$/;

// ---------------------------------------------------------------------------------------------

const work = await mkdtemp(join(tmpdir(), 'ivs-package-tier-'));
log(`working in ${work}`);
try {
  // 1. Pack.
  for (const file of ['dist/index.js', 'packages/ivs-local/dist/index.js']) {
    if (!existsSync(join(repo, file))) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
  const packs = join(work, 'packs');
  await mkdir(packs);
  await run('npm', ['pack', '--silent', '--pack-destination', packs]);
  await run('npm', ['pack', '--silent', '--pack-destination', packs], { cwd: join(repo, 'packages/ivs-local') });
  const sdkVersion = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')).version;
  const sdkTgz = join(packs, `aws-ivs-realtime-${sdkVersion}.tgz`);
  const localTgz = join(packs, `ivs-local-${JSON.parse(await readFile(join(repo, 'packages/ivs-local/package.json'), 'utf8')).version}.tgz`);

  // publint and attw on the tarballs.
  await check('publint: aws-ivs-realtime and ivs-local', async () => {
    for (const dir of [repo, join(repo, 'packages/ivs-local')]) {
      const { out } = await run(process.execPath, [join(repo, 'node_modules/publint/src/cli.js'), 'run', dir, '--strict']);
      if (!/All good/.test(out)) throw new Error(out);
    }
  });
  await check('attw --profile esm-only: aws-ivs-realtime and ivs-local (every entry, node16 ESM, bundler, node10)', async () => {
    for (const tgz of [sdkTgz, localTgz]) await run(process.execPath, [join(repo, 'node_modules/@arethetypeswrong/cli/dist/index.js'), '--profile', 'esm-only', tgz]);
  });

  // 2. Install the apps (in parallel: mostly waiting on the npm cache).
  const apps = {
    browser: [sdkTgz, 'amazon-ivs-web-broadcast', 'amazon-ivs-chat-messaging'],
    stage: [sdkTgz, 'amazon-ivs-web-broadcast'],
    chat: [sdkTgz, 'amazon-ivs-chat-messaging'],
    server: [sdkTgz, localTgz, '@aws-sdk/client-ivs-realtime', '@aws-sdk/client-ivschat'],
  };
  const dirs = {};
  const t0 = Date.now();
  await Promise.all(
    Object.entries(apps).map(async ([name, specs]) => {
      const dir = join(work, name);
      dirs[name] = dir;
      await mkdir(dir);
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `${name}-app`, private: true, type: 'module' }, null, 2));
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error', ...specs], { cwd: dir });
    }),
  );
  log(`installed 4 apps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  await check('the browser-user install (aws-ivs-realtime + both IVS SDKs): aws-ivs-realtime brings no package, so no Node-only one', async () => {
    const { packages, bytes } = inventory(dirs.browser);
    // aws-ivs-realtime declares no dependencies (the IVS SDKs and the AWS SDK are optional peers)…
    const installed = (dir, name) => JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'));
    const ownDeps = Object.keys({ ...installed(dirs.browser, 'aws-ivs-realtime').dependencies, ...installed(dirs.browser, 'aws-ivs-realtime').optionalDependencies });
    if (ownDeps.length) throw new Error(`aws-ivs-realtime declares dependencies: ${ownDeps.join(', ')}`);
    // …so every Node-only package present must be in the IVS SDKs' own dependency closure.
    const closureOf = (root) => {
      const names = new Set();
      const visit = (name) => {
        if (names.has(name)) return;
        names.add(name);
        let manifest;
        try {
          manifest = installed(dirs.browser, name);
        } catch {
          return; // nested under another package's node_modules; its name is what matters here
        }
        for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dep);
      };
      visit(root);
      return names;
    };
    const fromSdks = new Set([...closureOf('amazon-ivs-web-broadcast'), ...closureOf('amazon-ivs-chat-messaging')]);
    const nodeOnly = [...new Set(packages.filter((name) => NODE_ONLY.test(name)))];
    const ours = nodeOnly.filter((name) => !fromSdks.has(name));
    if (ours.length) throw new Error(`Node-only packages not brought by the IVS SDKs: ${ours.join(', ')}`);
    const figure = { packages: packages.length, megabytes: Math.round((bytes / 1e6) * 10) / 10 };
    if (process.env.PACKAGE_TIER_FIGURES) await writeFile(process.env.PACKAGE_TIER_FIGURES, JSON.stringify(figure));
    return `${figure.packages} packages, ${figure.megabytes} MB (before: 234 packages, 101 MB)${nodeOnly.length ? `; present only as the IVS SDKs' own dependencies: ${nodeOnly.join(', ')}` : ''}`;
  });
  await check('the stage-only and chat-only installs have only their own IVS SDK', async () => {
    const stage = inventory(dirs.stage).packages;
    const chat = inventory(dirs.chat).packages;
    if (stage.includes('amazon-ivs-chat-messaging')) throw new Error('the stage-only app has the chat SDK');
    if (chat.includes('amazon-ivs-web-broadcast')) throw new Error('the chat-only app has the stage SDK');
    if (!stage.includes('amazon-ivs-web-broadcast') || !chat.includes('amazon-ivs-chat-messaging')) throw new Error('an app lacks its own SDK');
    return `stage-only ${stage.length} packages, chat-only ${chat.length}`;
  });

  // 3a. TypeScript consumers.
  await cp(join(here, 'consumer'), join(dirs.browser, 'consumer'), { recursive: true });
  const tsc = join(repo, 'node_modules/typescript/bin/tsc');
  // The three compilations run side by side.
  await Promise.all(['nodenext', 'bundler', 'node10'].map((resolution) =>
    check(`TypeScript (moduleResolution ${resolution}, skipLibCheck) compiles correct code and rejects a type error`, async () => {
      const good = await run(process.execPath, [tsc, '-p', `consumer/tsconfig.${resolution}.json`], { cwd: dirs.browser, allowFailure: true });
      if (good.code !== 0) throw new Error(`correct code did not compile:\n${good.out}`);
      const wrong = await run(process.execPath, [tsc, '-p', `consumer/tsconfig.${resolution}.bad.json`], { cwd: dirs.browser, allowFailure: true });
      const expected = /bad\.ts\(\d+,\d+\): error TS2322: Type '[^']+' is not assignable to type 'number'/;
      if (wrong.code === 0 || !expected.test(wrong.out)) throw new Error(`the deliberate type error was not reported as expected:\n${wrong.out}`);
      const others = wrong.out.split('\n').filter((line) => /error TS/.test(line) && !expected.test(line));
      if (others.length) throw new Error(`unexpected errors:\n${others.join('\n')}`);
    }),
  ));

  // 3b. Bundlers, in this process.
  const { bundleApp, BUNDLERS } = await import('./bundlers.mjs');
  const bundles = [];
  for (const kind of ['stage', 'chat']) {
    await cp(join(here, `app-${kind}`), dirs[kind], { recursive: true });
    for (const bundler of BUNDLERS) {
      await check(`a ${kind}-only app builds with ${bundler}`, async () => {
        const out = await bundleApp(bundler, dirs[kind]);
        bundles.push({ kind, bundler, dir: out.dir });
        return `${out.files} files, ${(out.bytes / 1024).toFixed(0)} KB`;
      });
    }
  }

  // 3c. Chromium, inside a sealed network namespace.
  const inNetns = await run('bash', [join(repo, 'scripts/netns-run.sh'), 'bash', '-c', 'echo "IVS_NETNS=${IVS_NETNS:-}"'], { allowFailure: true });
  if (!/IVS_NETNS=1/.test(inNetns.out)) {
    for (const bundle of bundles) skip(`${bundle.kind} bundle (${bundle.bundler}) in Chromium`, 'no network namespace here (needs root or unshare -n)');
  } else {
    const spec = join(work, 'bundles.json');
    await writeFile(spec, JSON.stringify(bundles));
    const browser = await run('bash', [join(repo, 'scripts/netns-run.sh'), process.execPath, join(here, 'browser.mjs'), spec], { allowFailure: true });
    process.stdout.write(browser.out);
    const line = /browser-checks: (\d+) passed, (\d+) failed/.exec(browser.out);
    if (!line) {
      results.failed += 1;
      log('FAIL Chromium checks did not report');
    } else {
      results.passed += Number(line[1]);
      results.failed += Number(line[2]);
    }
  }

  // 3d. Server app: handler over SigV4ControlPlane against ivs-local, the CLI, the optional AWS SDK.
  for (const [dir, script] of [[dirs.server, 'server-checks.mjs'], [dirs.stage, 'no-aws-sdk-checks.mjs']]) {
    await cp(join(here, script), join(dir, script));
    await cp(join(here, 'app-checks.mjs'), join(dir, 'app-checks.mjs'));
  }
  for (const [dir, script] of [
    [dirs.server, 'server-checks.mjs'],
    [dirs.stage, 'no-aws-sdk-checks.mjs'],
  ]) {
    const result = await run(process.execPath, [script], { cwd: dir, allowFailure: true, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    process.stdout.write(result.out);
    const line = /checks: (\d+) passed, (\d+) failed/.exec(result.out);
    if (!line) {
      results.failed += 1;
      log(`FAIL ${script} did not report (exit ${result.code})`);
    } else {
      results.passed += Number(line[1]);
      results.failed += Number(line[2]);
    }
  }
} catch (error) {
  results.failed += 1;
  log(`FAIL setup: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
} finally {
  if (keep) log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
log(`tier took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`package: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed === 0 ? 0 : 1);
