/**
 * A real Chromium (fake camera) publishing 3 simulcast layers with `sendEncodings` rids through
 * ivs-local's WHIP endpoint, in VP8 and in H.264, and a Node WHEP viewer (werift) reading the size
 * of each keyframe it receives from the bitstream (VP8 key frame header, H.264 SPS): it starts on
 * the lowest layer, adapts to the highest active one, and goes back down on `preferLayer`. Inside the media
 * tier's network namespace. The offer is Chromium's own, with the RFC 8851 restrictions added to its
 * rid lines as the local driver does.
 */
import { createServer, type Server } from 'node:http';
import { CreateParticipantTokenCommand, CreateStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { chromium, type Browser } from 'playwright-core';
import { useOPUS, type MediaStreamTrack as WeriftTrack, type RTCPeerConnection as WeriftPeer, type RtpPacket } from 'werift';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connected, gathered } from '../../packages/ivs-local/src/bots/whip-publisher';
import { loopbackStunUrl } from '../../packages/ivs-local/src/stage-media/loopback-stun';
import { codecFromStream, createPeer } from '../../packages/ivs-local/src/stage-media/peer';
import { startLocalIvs, type LocalIvs } from '../../packages/ivs-local/src/server';
import type { LocalStreamInfo, ServerFrame } from '../../src/local-stage/protocol';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/chromium.mjs';

let browser: Browser;
let pageServer: Server;
let pageUrl: string;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS] });
  // A secure context for getUserMedia: any page on loopback.
  pageServer = createServer((_, res) => res.end('<!doctype html><title>publisher</title>')).listen(0, '127.0.0.1');
  await new Promise((resolve) => pageServer.once('listening', resolve));
  pageUrl = `http://127.0.0.1:${(pageServer.address() as { port: number }).port}/`;
});
afterAll(async () => {
  await browser?.close();
  pageServer?.close();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
});

async function until<T>(what: string, probe: () => T, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)?.slice(0, 300)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reads exp-Golomb codes from an H.264 RBSP. */
class Bits {
  #at = 0;
  constructor(readonly bytes: Buffer) {}
  bit(): number {
    const value = (this.bytes[this.#at >> 3]! >> (7 - (this.#at & 7))) & 1;
    this.#at++;
    return value;
  }
  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | this.bit();
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) zeros++;
    return (1 << zeros) - 1 + this.bits(zeros);
  }
}

/** Width of an H.264 Baseline/Main SPS (no frame cropping beyond whole macroblocks matters here). */
function spsWidth(nal: Buffer): number | undefined {
  const rbsp = Buffer.from(nal.subarray(1).filter((_, i, a) => !(i >= 2 && a[i] === 3 && a[i - 1] === 0 && a[i - 2] === 0)));
  const b = new Bits(rbsp);
  const profile = b.bits(8);
  if (profile >= 100) return undefined;
  b.bits(16); // constraint flags, level
  b.ue(); // seq_parameter_set_id
  b.ue(); // log2_max_frame_num_minus4
  const pocType = b.ue();
  if (pocType === 0) b.ue();
  else if (pocType === 1) return undefined;
  b.ue(); // max_num_ref_frames
  b.bit(); // gaps_in_frame_num_value_allowed_flag
  return (b.ue() + 1) * 16;
}

/** The width announced by a keyframe starting in this packet (VP8 key frame header, H.264 SPS), if any. */
function keyframeWidth(codec: string, p: Buffer): number | undefined {
  if (codec === 'VP8') {
    if (!(p[0]! & 0x10) || (p[0]! & 0x07) !== 0) return undefined;
    let o = 1;
    if (p[0]! & 0x80) {
      const x = p[1]!;
      o = 2;
      if (x & 0x80) o += p[o]! & 0x80 ? 2 : 1;
      if (x & 0x40) o++;
      if (x & 0x30) o++;
    }
    if ((p[o]! & 1) !== 0 || p[o + 3] !== 0x9d || p[o + 4] !== 0x01 || p[o + 5] !== 0x2a) return undefined;
    return p.readUInt16LE(o + 6) & 0x3fff;
  }
  const type = p[0]! & 0x1f;
  if (type === 7) return spsWidth(p);
  if (type === 24) {
    for (let at = 1; at + 2 < p.length; ) {
      const size = p.readUInt16BE(at);
      if ((p[at + 2]! & 0x1f) === 7) return spsWidth(p.subarray(at + 2, at + 2 + size));
      at += 2 + size;
    }
  }
  return undefined;
}

async function stage(ivs: LocalIvs) {
  const client = new IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials, maxAttempts: 1 });
  cleanup.push(async () => client.destroy());
  const arn = (await client.send(new CreateStageCommand({ name: 'chromium-simulcast' }))).stage!.arn!;
  const mint = async (userId: string) =>
    (await client.send(new CreateParticipantTokenCommand({ stageArn: arn, userId, capabilities: ['PUBLISH', 'SUBSCRIBE'] }))).participantToken!;
  return { id: arn.split('/').pop()!, mint };
}

async function joinEvents(ivs: LocalIvs, stageId: string, token: string): Promise<{ ws: WebSocket; frames: ServerFrame[] }> {
  const frames: ServerFrame[] = [];
  const ws = new WebSocket(`${ivs.url.replace(/^http/, 'ws')}/stage/${stageId}/events`);
  cleanup.push(async () => ws.close());
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'join', token }));
  await until('welcome', () => frames.some((f) => f.type === 'welcome'), Boolean);
  return { ws, frames };
}

describe.each(['VP8', 'H264'])('Chromium publishing %s simulcast through ivs-local', (codec) => {
  it('is served with its 3 layers; a viewer gets the lowest first, then the highest active one, then the lowest on preferLayer', async () => {
    const ivs = await startLocalIvs({ port: 0 });
    cleanup.push(() => ivs.close());
    const { id: stageId, mint } = await stage(ivs);
    const pub = await mint('publisher');
    const sub = await mint('viewer');
    // The publisher joins through the events socket (as the SDK's local driver), so VP8 is accepted.
    await joinEvents(ivs, stageId, pub.token!);
    const viewer = await joinEvents(ivs, stageId, sub.token!);

    const page = await browser.newPage();
    cleanup.push(() => page.close());
    await page.goto(pageUrl);
    const answer = await page.evaluate(
      async ({ whipUrl, token, codec }) => {
        const media = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio: true });
        const pc = new RTCPeerConnection();
        pc.addTransceiver(media.getAudioTracks()[0]!, { direction: 'sendonly' });
        const video = pc.addTransceiver(media.getVideoTracks()[0]!, {
          direction: 'sendonly',
          sendEncodings: [
            { rid: 'low', scaleResolutionDownBy: 4, maxBitrate: 250_000 },
            { rid: 'mid', scaleResolutionDownBy: 2, maxBitrate: 700_000 },
            { rid: 'high', maxBitrate: 2_500_000 },
          ],
        });
        video.setCodecPreferences(
          RTCRtpSender.getCapabilities('video')!.codecs.filter(
            (c) => c.mimeType === `video/${codec}` && (codec !== 'H264' || /packetization-mode=1/.test(c.sdpFmtpLine ?? '')),
          ),
        );
        await pc.setLocalDescription();
        await new Promise<void>((resolve) => {
          if (pc.iceGatheringState === 'complete') resolve();
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
          setTimeout(resolve, 3000);
        });
        const limits: Record<string, string> = {
          low: 'max-width=320;max-height=180;max-br=250000;max-fps=30',
          mid: 'max-width=640;max-height=360;max-br=700000;max-fps=30',
          high: 'max-width=1280;max-height=720;max-br=2500000;max-fps=30',
        };
        const offer = pc.localDescription!.sdp.replace(/a=rid:(\w+) send\r\n/g, (_line, rid: string) => `a=rid:${rid} send ${limits[rid]}\r\n`);
        const response = await fetch(whipUrl, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: offer });
        const sdp = await response.text();
        if (response.status === 201) await pc.setRemoteDescription({ type: 'answer', sdp });
        return { status: response.status, sdp };
      },
      { whipUrl: `${ivs.url}/stage/${stageId}/whip`, token: pub.token!, codec },
    );
    expect(answer.status, answer.sdp).toBe(201);
    expect(answer.sdp).toContain('a=simulcast:recv low;mid;high');

    const latestStreams = (): LocalStreamInfo[] =>
      (viewer.frames.filter((f) => f.type === 'streamsChanged' && f.participantId === pub.participantId).pop() as { streams?: LocalStreamInfo[] } | undefined)?.streams ?? [];
    const streams = await until('3 active layers', latestStreams, (s) => s.find((x) => x.kind === 'video')?.layers?.filter((l) => l.active).length === 3);
    expect(streams.find((s) => s.kind === 'video')).toMatchObject({
      mimeType: `video/${codec}`,
      layers: [
        { rid: 'low', width: 320, height: 180, bitrateBps: 250000, framesPerSecond: 30, active: true },
        { rid: 'mid', width: 640, height: 360, bitrateBps: 700000, framesPerSecond: 30, active: true },
        { rid: 'high', width: 1280, height: 720, bitrateBps: 2500000, framesPerSecond: 30, active: true },
      ],
    });

    // The Node viewer: one WHEP session, keyframe widths as they arrive.
    const widths: number[] = [];
    const pc: WeriftPeer = createPeer(
      { hostAddresses: ['127.0.0.1'], iceGatheringTimeoutMs: 3000, stunUrl: await loopbackStunUrl() },
      { audio: [useOPUS()], video: [codecFromStream(streams.find((s) => s.kind === 'video')!)] },
    );
    cleanup.push(() => pc.close());
    pc.onTrack.subscribe((track: WeriftTrack) => {
      if (track.kind !== 'video') return;
      track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
        const width = keyframeWidth(codec, rtp.payload);
        if (width !== undefined && widths.at(-1) !== width) widths.push(width);
      });
    });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 3000);
    const response = await fetch(`${ivs.url}/stage/${stageId}/whep/${pub.participantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${sub.token}` },
      body: pc.localDescription!.sdp,
    });
    const body = await response.text();
    expect(response.status, body).toBe(201);
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    await connected(pc, 15_000);

    // Adapting moves up to the highest *active* layer: Chromium may hold its top layer back (or send
    // it below its target size) while its bandwidth estimate grows or when the CPU is busy, so
    // the check is the order: the lowest first, then a larger one, then the lowest on request.
    const layerStates = () => viewer.frames.filter((f): f is Extract<ServerFrame, { type: 'layerState' }> => f.type === 'layerState');
    await until('adapted above the lowest layer', () => layerStates().pop()?.selected, (rid) => rid === 'mid' || rid === 'high');
    await until('a larger keyframe', () => widths, (w) => w.length >= 2);
    expect(widths[0]).toBe(320);
    expect(widths[1]).toBeGreaterThan(320);
    viewer.ws.send(JSON.stringify({ type: 'preferLayer', publisherId: pub.participantId, layer: 'lowest' }));
    await until('back to the lowest layer', () => widths, (w) => w.length >= 3 && w.at(-1) === 320);
    const selections = layerStates()
      .map((f) => f.selected)
      .filter((rid, i, all) => rid !== all[i - 1]);
    expect(selections.slice(0, 2)).toEqual([null, 'low']);
    expect(selections.at(-1)).toBe('low');
    expect(selections.slice(2, -1).length).toBeGreaterThan(0);
    expect(selections.slice(2, -1).every((rid) => rid === 'mid' || rid === 'high')).toBe(true);
  });
});
