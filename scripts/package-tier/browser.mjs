#!/usr/bin/env node
/* global window */
// Chromium checks of the package tier's bundles (run by run.mjs inside scripts/netns-run.sh).
//
//   node browser.mjs <bundles.json>     [{ kind: 'stage' | 'chat', bundler, dir }, …]
//
// Stage bundles: the page loads no stage SDK code before join() (no script of SDK size), then a
// host join() with an IVS-shaped participant token (ES384 JWT, IVS's claim names, any key: the
// SDK only decodes it) goes through StageSession to the real amazon-ivs-web-broadcast: it creates
// LocalStageStreams from the fake camera/microphone and a Stage, whose join() tries the token's
// endpoints. Those point at a TCP port inside this network namespace that accepts and drops
// every connection (not loopback: a loopback whip_url would select the local stage driver), so
// the join fails fast: join() must reject with a typed StageError of category "join" (not a
// TypeError, not "… is not a constructor"), after the SDK was loaded and tried those endpoints.
// Chat bundles: the page loads and constructs ChatSession without loading the chat SDK.
// Ends with one line: `browser-checks: N passed, N failed`.
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { CHROMIUM_ARGS, chromiumExecutable } = await import(`${repo}tests/e2e/support/chromium.mjs`);
const { startStaticServer } = await import(`${repo}tests/e2e/support/static-server.mjs`);
const { chromium } = await import('playwright-core');

/** A script at least this large is an IVS SDK (amazon-ivs-web-broadcast is ~700 KB minified). */
const SDK_SIZE = 200 * 1024;
/** The namespace's veth address (scripts/netns-run.sh): reachable from Chromium, not loopback. */
const ENDPOINT_HOST = '198.18.0.2';

const bundles = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let passed = 0;
let failed = 0;

if (process.env.IVS_NETNS !== '1') {
  console.log('browser-checks: refusing to run outside the network namespace (the token endpoints would leave the machine)');
  console.log(`browser-checks: 0 passed, ${bundles.length} failed`);
  process.exit(1);
}

/** The endpoints of a token: a TCP port that accepts, counts and drops every connection. */
async function startSink() {
  const sink = { connections: 0 };
  sink.server = createServer((socket) => {
    sink.connections += 1;
    socket.destroy();
  });
  await new Promise((resolve) => sink.server.listen(0, ENDPOINT_HOST, resolve));
  sink.port = sink.server.address().port;
  return sink;
}

function ivsShapedToken(port) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ alg: 'ES384', typ: 'JWT' });
  const payload = b64({
    exp: now + 3600,
    iat: now,
    jti: 'pkgTierHost01',
    resource: 'arn:aws:ivs:us-east-1:123456789012:stage/PkgTierStage',
    topic: 'PkgTierStage',
    events_url: `wss://${ENDPOINT_HOST}:${port}/`,
    whip_url: `https://${ENDPOINT_HOST}:${port}/`,
    capabilities: { allow_publish: true, allow_subscribe: true },
    user_id: 'package-tier-host',
    attributes: {},
    version: '1.0',
  });
  const signature = sign('sha384', Buffer.from(`${header}.${payload}`), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS] });
try {
  // The bundles run side by side (a join against unreachable endpoints takes the SDK about a minute to give up).
  await Promise.all(
    bundles.map(async (bundle) => {
      const name = `${bundle.kind} bundle (${bundle.bundler}) in Chromium`;
      const server = await startStaticServer(bundle.dir);
      const sink = await startSink();
      const context = await browser.newContext();
      const page = await context.newPage();
      const scripts = [];
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('response', async (response) => {
        if (response.request().resourceType() !== 'script') return;
        const body = await response.body().catch(() => Buffer.alloc(0));
        scripts.push({ url: response.url().replace(server.url, ''), bytes: body.length });
      });
      try {
        await page.goto(`${server.url}/index.html`);
        await page.waitForFunction(() => window.app?.ready === true, undefined, { timeout: 20_000 });
        await page.waitForLoadState('networkidle');
        const before = scripts.slice();
        const kb = (list) => `${(list.reduce((sum, s) => sum + s.bytes, 0) / 1024).toFixed(0)} KB in ${list.length} file(s)`;
        if (before.some((s) => s.bytes >= SDK_SIZE)) throw new Error(`SDK-sized code loaded with the page: ${JSON.stringify(before)}`);
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        let note;
        if (bundle.kind === 'stage') {

          const t0 = Date.now();
          const result = await page.evaluate((token) => window.app.joinAsHost(token), ivsShapedToken(sink.port));
          const after = scripts.slice(before.length);
          if (result.joined) throw new Error('join() succeeded against unreachable endpoints');
          if (result.typeError || result.name !== 'StageError' || result.category !== 'join' || result.code !== 'STAGE_JOIN_FAILED' || !result.sdkError) {
            throw new Error(`join() did not fail with a typed StageError "join": ${JSON.stringify(result)}`);
          }
          if (/not a constructor|is not a function|of undefined|is undefined/.test(`${result.message} ${result.cause}`)) {
            throw new Error(`join() failed on the SDK's module shape: ${JSON.stringify(result)}`);
          }
          if (!after.some((s) => s.bytes >= SDK_SIZE)) throw new Error(`no SDK-sized script loaded on join(): ${JSON.stringify(after)}`);
          if (sink.connections === 0) throw new Error(`the SDK never tried the token's endpoints: ${JSON.stringify(result)}`);
          if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
          note = `before join(): ${kb(before)}; on join(): ${kb(after)}; join() rejected in ${Date.now() - t0} ms with StageError "join" (${result.message.slice(0, 120)}) after ${sink.connections} connection(s) to the token's endpoints`;
        } else {
          const app = await page.evaluate(() => ({ chatState: window.app.chatState, controlPlane: window.app.controlPlane, guard: window.app.guard }));
          if (app.chatState !== 'idle' || !app.controlPlane || !app.guard) throw new Error(`unexpected chat app state: ${JSON.stringify(app)}`);
          note = `page: ${kb(before)}, ChatSession constructed (state idle)`;
        }
        passed += 1;
        console.log(`package: ok   ${name} — ${note}`);
      } catch (error) {
        failed += 1;
        console.log(`package: FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await context.close();
        await server.close();
        sink.server.close();
      }
    }),
  );
} finally {
  await browser.close();
}
console.log(`browser-checks: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
