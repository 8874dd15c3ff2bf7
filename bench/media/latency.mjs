#!/usr/bin/env node
/**
 * Glass-to-glass latency through ivs-local's SFU, in real Chromium, inside a sealed network
 * namespace. One page draws the clock (performance.now(), 20 bits) as black/white blocks on a
 * canvas, publishes the canvas with plain WHIP (H.264, as IVS ingests it), joins the stage as a
 * viewer (events socket + WHEP) and decodes the blocks of every rendered frame
 * (requestVideoFrameCallback): latency = clock at presentation − clock drawn. Baseline in the same
 * page and run: the same canvas over two RTCPeerConnections connected directly. One page, so both
 * paths share one clock and the page is never in the background.
 *
 * Usage: node bench/media/latency.mjs [--seconds 10]   (needs `npm run build`)
 */
/* global document, performance, RTCPeerConnection, RTCRtpSender, WebSocket, MediaStream, requestAnimationFrame -- page code */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
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
  const ivs = await startLocalIvs({ port: 0 });
  const client = new sdk.IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials });
  const { stage } = await client.send(new sdk.CreateStageCommand({ name: 'latency' }));
  const mint = async (capabilities) => (await client.send(new sdk.CreateParticipantTokenCommand({ stageArn: stage.arn, capabilities }))).participantToken;
  const publisher = await mint(['PUBLISH']);
  const viewer = await mint(['SUBSCRIBE']);
  const page0 = createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>latency</title>'));
  await new Promise((r) => page0.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS], headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${page0.address().port}/`);
    const result = await page.evaluate(
      async ({ ivsUrl, stageId, publisher, viewer, seconds }) => {
        const W = 640, H = 360, BITS = 20, BLOCK = 32;
        const canvas = document.createElement('canvas');
        canvas.width = W;
        canvas.height = H;
        const ctx = canvas.getContext('2d');
        const draw = () => {
          const code = Math.round(performance.now()) & 0xfffff;
          ctx.fillStyle = '#808080';
          ctx.fillRect(0, 0, W, H);
          for (let i = 0; i < BITS; i++) {
            ctx.fillStyle = (code >> i) & 1 ? '#fff' : '#000';
            ctx.fillRect(i * BLOCK, 100, BLOCK, BLOCK * 2);
          }
          requestAnimationFrame(draw);
        };
        draw();
        const stream = canvas.captureStream(30);
        const gathered = (pc) => new Promise((r) => {
          if (pc.iceGatheringState === 'complete') return r();
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
          setTimeout(r, 2000);
        });
        const measure = (video, into) => {
          const probe = document.createElement('canvas');
          probe.width = W;
          probe.height = H;
          const pctx = probe.getContext('2d', { willReadFrequently: true });
          const onFrame = () => {
            const now = Math.round(performance.now()) & 0xfffff;
            pctx.drawImage(video, 0, 0, W, H);
            const row = pctx.getImageData(0, 100 + BLOCK, W, 1).data;
            let code = 0;
            for (let i = 0; i < BITS; i++) if (row[(i * BLOCK + BLOCK / 2) * 4] > 128) code |= 1 << i;
            const latency = (now - code + 0x100000) & 0xfffff;
            if (latency < 5000) into.push(latency);
            video.requestVideoFrameCallback(onFrame);
          };
          video.requestVideoFrameCallback(onFrame);
        };
        const show = (track) => {
          const video = document.createElement('video');
          video.muted = true;
          video.autoplay = true;
          video.playsInline = true;
          video.srcObject = new MediaStream([track]);
          document.body.append(video);
          return video;
        };
        const h264 = (t) => t.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter((c) => c.mimeType === 'video/H264'));

        // Baseline: two peer connections in this page.
        const baseline = [];
        const a = new RTCPeerConnection(), b = new RTCPeerConnection();
        a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
        b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
        b.ontrack = (e) => measure(show(e.track), baseline);
        h264(a.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly' }));
        await a.setLocalDescription(await a.createOffer());
        await b.setRemoteDescription(a.localDescription);
        await b.setLocalDescription(await b.createAnswer());
        await a.setRemoteDescription(b.localDescription);

        // Through the SFU: plain WHIP in, events socket + WHEP out.
        const sfu = [];
        const pub = new RTCPeerConnection({ iceServers: [] });
        h264(pub.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly' }));
        await pub.setLocalDescription(await pub.createOffer());
        await gathered(pub);
        const whip = await fetch(`${ivsUrl}/stage/${stageId}/whip`, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${publisher.token}` }, body: pub.localDescription.sdp });
        await pub.setRemoteDescription({ type: 'answer', sdp: await whip.text() });
        const ws = new WebSocket(`${ivsUrl.replace('http', 'ws')}/stage/${stageId}/events`);
        await new Promise((resolve) => {
          ws.onopen = () => ws.send(JSON.stringify({ type: 'join', token: viewer.token }));
          ws.onmessage = (m) => {
            const f = JSON.parse(m.data);
            const p = f.type === 'welcome' ? f.participants.find((x) => x.id === publisher.participantId && x.published) : undefined;
            if (p || (f.type === 'publishStateChanged' && f.participantId === publisher.participantId && f.published)) resolve();
          };
        });
        const sub = new RTCPeerConnection({ iceServers: [] });
        sub.addTransceiver('video', { direction: 'recvonly' });
        sub.ontrack = (e) => measure(show(e.track), sfu);
        await sub.setLocalDescription(await sub.createOffer());
        await gathered(sub);
        const whep = await fetch(`${ivsUrl}/stage/${stageId}/whep/${publisher.participantId}`, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${viewer.token}` }, body: sub.localDescription.sdp });
        await sub.setRemoteDescription({ type: 'answer', sdp: await whep.text() });
        // Let both settle for 2 s, then keep what arrives over `seconds`.
        await new Promise((r) => setTimeout(r, 2000));
        baseline.length = 0;
        sfu.length = 0;
        await new Promise((r) => setTimeout(r, seconds * 1000));
        return { baseline: [...baseline], sfu: [...sfu] };
      },
      { ivsUrl: ivs.url, stageId: stage.arn.split('/').pop(), publisher: { token: publisher.token, participantId: publisher.participantId }, viewer: { token: viewer.token }, seconds },
    );
    const row = (samples) => ({ frames: samples.length, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) });
    const out = { baseline: row(result.baseline), sfu: row(result.sfu) };
    console.table({ 'through ivs-local (WHIP → SFU → WHEP)': out.sfu, 'two RTCPeerConnections in one page': out.baseline });
    const met = out.sfu.frames > 0 && out.sfu.p50Ms <= out.baseline.p50Ms + 20;
    console.log(`glass-to-glass p50 ${out.sfu.p50Ms} ms vs baseline ${out.baseline.p50Ms} ms (target ≤ baseline + 20 ms): ${met ? 'met' : 'missed'}`);
    process.exitCode = met ? 0 : 1;
  } finally {
    await browser.close();
    page0.close();
    client.destroy();
    await ivs.close();
  }
}
