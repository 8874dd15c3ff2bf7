/**
 * The Amazon IVS path with the REAL `amazon-ivs-web-broadcast` in Chromium, without an AWS account.
 *
 * The page (ivs-sdk/page.ts) is an app of `aws-ivs-realtime` bundled with esbuild, as an app bundles
 * it (esbuild is also the bundler whose `import()` of this UMD package gives `{ default }` only). It
 * joins with IVS-shaped participant tokens (ES384 JWTs with IVS's claim names, signed with a throw-away
 * key) whose `events_url` and `whip_url` point at a closed loopback port, so the SDK can never connect.
 * Requests the SDK makes to other hosts (its stats and device-configuration endpoints) are aborted
 * here and recorded; the suite also runs in a sealed network namespace, so nothing leaves the machine.
 *
 * Measured with amazon-ivs-web-broadcast 1.41.0: offline, the SDK retries the events socket with
 * growing delays and gives up after about 63 s (`errored`, a JOIN_ERROR TIMEOUT, `join()` rejects), so
 * the join-failure test runs the host and the viewer side by side and allows 150 s.
 */
import { createServer, type AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { SignJWT, generateKeyPair } from 'jose';
import type { IvsSdkPageApi, IvsSdkRun, IvsSdkRunOptions } from './ivs-sdk/api';
import { startStaticServer } from './support/static-server.mjs';
import { outRoot, packageMode, repoRoot } from './support/package';

declare global {
  interface Window {
    ivsSdkPage: IvsSdkPageApi;
  }
}

let pageUrl = '';
let closeServer: (() => Promise<void>) | undefined;
let closedPort = 0;
let bundledFrom: string[] = [];
const tokens: { host: string; viewer: string } = { host: '', viewer: '' };

/** A TCP port nothing listens on (bound, then released). */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An IVS-shaped participant token (claim names as CreateParticipantToken issues them). */
async function ivsToken(privateKey: CryptoKey, publish: boolean, participantId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    jti: participantId,
    resource: 'arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGHijkl',
    topic: 'abcdEFGHijkl',
    events_url: `wss://127.0.0.1:${closedPort}/`,
    whip_url: `https://127.0.0.1:${closedPort}/`,
    capabilities: { allow_publish: publish, allow_subscribe: true },
    user_id: participantId.toLowerCase(),
    attributes: { displayName: participantId },
    version: '1.0',
  })
    .setProtectedHeader({ alg: 'ES384', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
}

test.beforeAll(async () => {
  const entry = packageMode() === 'source' ? join(repoRoot, 'src/index.ts') : join(repoRoot, 'dist/index.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist. Run \`npm run build\` first (or set E2E_SOURCE=1).`);
  const outDir = join(outRoot, 'ivs-sdk-page');
  const result = await build({
    entryPoints: [join(repoRoot, 'tests/e2e/ivs-sdk/page.ts'), join(repoRoot, 'tests/e2e/ivs-sdk/index.html')],
    loader: { '.html': 'copy' },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    outdir: outDir,
    alias: { 'aws-ivs-realtime': entry },
    metafile: true,
    logLevel: 'warning',
  });
  bundledFrom = Object.keys(result.metafile.inputs);
  const server = await startStaticServer(outDir);
  pageUrl = `${server.url}/index.html`;
  closeServer = () => server.close();
  closedPort = await closedLoopbackPort();
  const { privateKey } = await generateKeyPair('ES384');
  tokens.host = await ivsToken(privateKey, true, 'HostPARTICIPANT1');
  tokens.viewer = await ivsToken(privateKey, false, 'ViewerPARTICIPANT');
});

test.afterAll(async () => {
  await closeServer?.();
});

interface Traffic {
  blocked: string[];
  sockets: string[];
}

/** Opens the page; every request but the page's own is aborted and recorded, sockets are recorded. */
async function openPage(context: BrowserContext): Promise<{ page: Page; traffic: Traffic }> {
  const traffic: Traffic = { blocked: [], sockets: [] };
  const origin = new URL(pageUrl).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    traffic.blocked.push(url);
    return route.abort('addressunreachable');
  });
  const page = await context.newPage();
  page.on('websocket', (socket) => traffic.sockets.push(socket.url()));
  await page.goto(pageUrl);
  await page.waitForFunction(() => typeof window.ivsSdkPage?.run === 'function');
  return { page, traffic };
}

function run(page: Page, options: IvsSdkRunOptions): Promise<IvsSdkRun> {
  return page.evaluate((o) => window.ivsSdkPage.run(o), options);
}

/** Runs the page as a host (camera + microphone) and as a viewer, side by side, each in its own context. */
async function hostAndViewer(
  browser: Browser,
  leaveWhileJoining: boolean,
  checkTraffic: (traffic: { host: Traffic; viewer: Traffic }) => void = () => {},
): Promise<[IvsSdkRun, IvsSdkRun]> {
  const hostContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const viewerContext = await browser.newContext();
  try {
    const [host, viewer] = await Promise.all([openPage(hostContext), openPage(viewerContext)]);
    const runs = await Promise.all([
      run(host.page, { token: tokens.host, publish: true, leaveWhileJoining }),
      run(viewer.page, { token: tokens.viewer, publish: false, leaveWhileJoining }),
    ]);
    checkTraffic({ host: host.traffic, viewer: viewer.traffic });
    return runs;
  } finally {
    await hostContext.close();
    await viewerContext.close();
  }
}

function expectOnlyTheTokenEndpoints(traffic: Traffic): void {
  expect(traffic.sockets.length, 'the SDK tried the events socket').toBeGreaterThan(0);
  for (const url of traffic.sockets) expect(url, 'sockets only to the token\'s events_url').toMatch(new RegExp(`^wss://127\\.0\\.0\\.1:${closedPort}/`));
  for (const url of traffic.blocked) expect(new URL(url).hostname, `blocked ${url}`).not.toMatch(/^(127\.|localhost$)/);
}

test.describe('the real amazon-ivs-web-broadcast through StageSession, endpoints unreachable', () => {
  test('the page was bundled by esbuild from the package under test, with the real SDK', () => {
    const packageInput = packageMode() === 'source' ? 'src/stage/stage-session.ts' : 'dist/index.js';
    expect(bundledFrom.some((input) => input.endsWith(packageInput)), `bundle inputs include ${packageInput}`).toBe(true);
    expect(bundledFrom.some((input) => input.includes('node_modules/amazon-ivs-web-broadcast/')), 'the real SDK is bundled').toBe(true);
  });

  test('a host and a viewer: join() fails with a typed StageError join error once the SDK gives up; the host\'s streams are real LocalStageStreams with the configured settings (simulcast layers: an SDK preset and a custom one; in-band messaging) and the strategy answers the subscribe configuration; exchangeToken and leave behave; no unhandled rejection; every captured track ended', async ({ browser }) => {
    test.setTimeout(150_000);
    const [hostRun, viewerRun] = await hostAndViewer(browser, false, (traffic) => {
      expectOnlyTheTokenEndpoints(traffic.host);
      expectOnlyTheTokenEndpoints(traffic.viewer);
    });
    test.info().annotations.push({ type: 'sdk gives up offline after', description: `host ${hostRun.joinMs} ms, viewer ${viewerRun.joinMs} ms` });
    console.log(`amazon-ivs-web-broadcast gave up joining offline after: host ${hostRun.joinMs} ms, viewer ${viewerRun.joinMs} ms`);

    for (const [who, result] of [['host', hostRun], ['viewer', viewerRun]] as const) {
      const error = result.joinError;
      expect(error, `${who}: join() rejected`).toBeDefined();
      expect(error!.isTypeError, `${who}: not a TypeError (${error!.name}: ${error!.message})`).toBe(false);
      expect(error, `${who}: a typed join error`).toMatchObject({ name: 'StageError', category: 'join', code: 'STAGE_JOIN_FAILED', isStageError: true, isIvsRealtimeError: true });
      expect(error!.message, `${who}: the SDK's code is named`).toMatch(/(TIMEOUT \(3\)|FAILED \(4\))/);
      expect(error!.causeName, `${who}: the SDK's error is kept as cause, mapped`).toBe('StageError');
      expect(result.joinMs, `${who}: the SDK retried before giving up`).toBeGreaterThan(5_000);
      expect(result.exchangeWhileJoining, `${who}: exchangeToken while connecting`).toMatchObject({ name: 'InvalidStateError', isInvalidStateError: true });
      expect(result.exchangeAfterwards, `${who}: exchangeToken after the failed join`).toMatchObject({ name: 'InvalidStateError' });
      expect(result.state).toBe('disconnected');
      expect(result.leftReason).toBe('error');
      expect(result.events.filter((e) => e.type === 'left'), `${who}: left once`).toEqual([{ type: 'left', detail: 'error: StageError' }]);
      expect(result.events.filter((e) => e.type === 'stateChanged').map((e) => e.detail), `${who}: no reconnecting`).toEqual(['connecting', 'disconnected']);
      expect(result.unhandled, `${who}: no unhandled rejection or error`).toEqual([]);
      expect(result.capturedTracks.filter((t) => t.readyState !== 'ended'), `${who}: every captured track ended`).toEqual([]);
    }

    expect(hostRun.streams.map((s) => s.kind).sort()).toEqual(['audio', 'video']);
    expect(hostRun.streams.every((s) => s.isSdkLocalStageStream), 'the strategy publishes real LocalStageStreams').toBe(true);
    const video = hostRun.streams.find((s) => s.kind === 'video')!;
    expect(video).toMatchObject({ maxVideoBitrateKbps: 900, maxFramerate: 30, simulcast: true, inBandMessaging: true, trackState: 'live' });
    // The SDK's public mediaConfig carries the two layers: its own 360p preset, and the custom one as given.
    expect(video.layers, 'simulcast layers on the real LocalStageStream').toHaveLength(2);
    expect(video.layers![0]).toMatchObject({ width: 640, height: 360 });
    expect(video.layers![1]).toEqual({ width: 448, height: 252, maxBitrateKbps: 210, maxFramerate: 20 });
    expect(video.layerIsSdkPreset, 'the first layer is the SDK\'s SimulcastLayerPresets.DEFAULT_360').toEqual([true, false]);
    for (const [who, result] of [['host', hostRun], ['viewer', viewerRun]] as const) {
      expect(result.strategyAnswers, `${who}: the strategy handed to the stage answers the subscribe configuration`).toEqual({
        subscribeConfiguration: { jitterBuffer: { minDelay: 'medium' }, inBandMessaging: { enabled: true }, simulcast: { initialLayerPreference: 'highest_quality' } },
        shouldSubscribeToParticipant: ['audio', 'video', 'subtitles'],
      });
      expect(result.inBandWhileJoining, `${who}: sendInBandMessage while connecting`).toMatchObject({ name: 'InvalidStateError', isInvalidStateError: true });
    }
    expect(hostRun.capturedTracks.map((t) => t.kind).sort(), 'the host captured camera and microphone').toEqual(['audio', 'video']);
    expect(viewerRun.streams, 'a viewer publishes nothing').toEqual([]);
    expect(viewerRun.capturedTracks).toEqual([]);
  });

  test('leave() while the SDK is still trying: join() rejects with AbortedError, left once with "user", every captured track ended, no unhandled rejection (host and viewer)', async ({ browser }) => {
    const [hostRun, viewerRun] = await hostAndViewer(browser, true);
    for (const [who, result] of [['host', hostRun], ['viewer', viewerRun]] as const) {
      expect(result.joinError, `${who}: join() rejected with AbortedError`).toMatchObject({ name: 'AbortedError', isAbortedError: true });
      expect(result.leaveToSettledMs, `${who}: at once, not after the SDK's retries`).toBeLessThan(2_000);
      expect(result.exchangeWhileJoining).toMatchObject({ name: 'InvalidStateError' });
      expect(result.events.filter((e) => e.type === 'left'), `${who}: left once, by the user`).toEqual([{ type: 'left', detail: 'user' }]);
      expect(result.leftReason).toBe('user');
      expect(result.unhandled, `${who}: no unhandled rejection or error`).toEqual([]);
      expect(result.capturedTracks.filter((t) => t.readyState !== 'ended'), `${who}: every captured track ended`).toEqual([]);
    }
    expect(hostRun.capturedTracks).toHaveLength(2);
    expect(hostRun.streams.every((s) => s.isSdkLocalStageStream)).toBe(true);
  });
});
