#!/usr/bin/env node
/**
 * Glass-to-glass latency through StageSession and ivs-local's SFU, in real Chromium, inside a sealed
 * network namespace. One page (the e2e harness app, built against dist/) holds both ends: its main
 * StageSession publishes the harness's pixel clock canvas (performance.now(), 20 bits as black/white
 * blocks; tests/e2e/harness/clock.ts) with `join({ media: { tracks: [canvasTrack] } })`, and its second,
 * independent StageSession + StageGrid (`#beyond`) joins as a viewer. The clock is decoded from every
 * frame the viewer grid's tile <video> presents (requestVideoFrameCallback): latency = clock at
 * presentation − clock drawn. Baseline in the same page and run: the same canvas track over two
 * RTCPeerConnections connected directly (H.264). One page, so both paths share one clock and the page
 * is never in the background (headless Chromium throttles background pages).
 *
 * Usage: node bench/media/latency.mjs [--seconds 10]   (needs `npm run build`)
 */
/* global window, document, performance, RTCPeerConnection, RTCRtpSender, MediaStream -- page code; performance is also Node's */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
if (process.env.IVS_NETNS === undefined) {
  const child = spawn(join(root, 'scripts/netns-run.sh'), [process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main();
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' } } });
  const seconds = Number(values.seconds);
  const [{ chromium }, sdk, { startLocalIvs }] = await Promise.all([
    import('playwright-core'),
    import('@aws-sdk/client-ivs-realtime'),
    import(join(root, 'packages/ivs-local/dist/index.js')),
  ]);
  const { CHROMIUM_ARGS, chromiumExecutable } = await import('../../tests/e2e/support/chromium.mjs');
  const { startStaticServer } = await import('../../tests/e2e/support/static-server.mjs');
  const { buildHarness } = await import('../../tests/e2e/support/build-harness.mjs');
  const outDir = join(root, `tests/e2e/.out/bench-latency-${process.pid}`);
  const site = await startStaticServer(await buildHarness({ outDir, source: false }));
  const ivs = await startLocalIvs({ port: 0 });
  const client = new sdk.IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials });
  const { stage } = await client.send(new sdk.CreateStageCommand({ name: 'latency' }));
  const mint = async (userId, capabilities) =>
    (await client.send(new sdk.CreateParticipantTokenCommand({ stageArn: stage.arn, userId, capabilities }))).participantToken;
  const publisher = await mint('clock', ['PUBLISH']);
  const viewer = await mint('viewer', ['SUBSCRIBE']);
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS], headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => document.documentElement.dataset.harness === 'ready');
    const result = await page.evaluate(
      async ({ publisher, viewer, seconds }) => {
        const { harness, harnessBeyond } = window;
        const measure = (video, into) => {
          const onFrame = () => {
            const latency = harness.readClock(video);
            if (latency !== undefined) into.push(latency);
            video.requestVideoFrameCallback(onFrame);
          };
          video.requestVideoFrameCallback(onFrame);
        };
        const waitFor = async (what, check, ms = 20_000) => {
          const end = performance.now() + ms;
          for (let value = check(); !value; value = check()) {
            if (performance.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
            await new Promise((r) => setTimeout(r, 50));
          }
          return check();
        };

        // Baseline: the same canvas track over two peer connections in this page (H.264).
        const baseline = [];
        const a = new RTCPeerConnection(), b = new RTCPeerConnection();
        a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
        b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
        b.ontrack = (e) => {
          const video = document.createElement('video');
          video.muted = video.autoplay = video.playsInline = true;
          video.srcObject = new MediaStream([e.track]);
          // In view: Chromium pauses muted autoplay video that is scrolled out of the viewport.
          video.style.cssText = 'position:fixed;right:0;bottom:0;width:320px;height:180px;z-index:10';
          document.body.append(video);
          measure(video, baseline);
        };
        const h264 = RTCRtpSender.getCapabilities('video').codecs.filter((c) => c.mimeType === 'video/H264');
        a.addTransceiver(harness.clockTrack(), { direction: 'sendonly' }).setCodecPreferences(h264);
        await a.setLocalDescription(await a.createOffer());
        await b.setRemoteDescription(a.localDescription);
        await b.setLocalDescription(await b.createAnswer());
        await a.setRemoteDescription(b.localDescription);

        // Through StageSession: the harness session publishes the canvas, the #beyond session views it.
        const sfu = [];
        const published = await harness.join({ token: publisher.token, publish: true, clockCanvas: true });
        if (!published.ok) throw new Error(`publisher join: ${published.error.name}: ${published.error.message}`);
        const viewed = await harnessBeyond.join({ token: viewer.token, publish: false, speaker: false, quality: false });
        if (!viewed.ok) throw new Error(`viewer join: ${viewed.error}`);
        const tile = `#beyond [data-participant-id="${publisher.participantId}"] video`;
        const video = await waitFor('the publisher\'s tile video in the viewer grid', () => {
          const v = document.querySelector(tile);
          return v && v.videoWidth > 0 ? v : undefined;
        });
        measure(video, sfu);
        // Let both settle for 2 s, then keep what arrives over `seconds`.
        await new Promise((r) => setTimeout(r, 2000));
        baseline.length = 0;
        sfu.length = 0;
        await new Promise((r) => setTimeout(r, seconds * 1000));
        const out = { baseline: [...baseline], sfu: [...sfu], size: `${video.videoWidth}x${video.videoHeight}` };
        a.close();
        b.close();
        await harnessBeyond.dispose();
        await harness.dispose();
        return out;
      },
      { publisher: { token: publisher.token, participantId: publisher.participantId }, viewer: { token: viewer.token }, seconds },
    );
    const row = (samples) => ({ frames: samples.length, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) });
    const out = { baseline: row(result.baseline), sfu: row(result.sfu) };
    console.table({
      [`StageSession → ivs-local → StageSession grid (${result.size})`]: out.sfu,
      'two RTCPeerConnections in one page': out.baseline,
    });
    const met = out.sfu.frames > 0 && out.sfu.p50Ms <= out.baseline.p50Ms + 20;
    console.log(`glass-to-glass p50 ${out.sfu.p50Ms} ms vs baseline ${out.baseline.p50Ms} ms (target ≤ baseline + 20 ms): ${met ? 'met' : 'missed'}`);
    process.exitCode = met ? 0 : 1;
  } finally {
    await browser.close();
    client.destroy();
    await ivs.close();
    await site.close();
    await rm(outDir, { recursive: true, force: true });
  }
}
