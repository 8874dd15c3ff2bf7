/**
 * Simulcast through ivs-local's SFU with media moving (Node ↔ ivs-local ↔ Node, inside the media
 * tier's network namespace): a WHIP publisher sending 3 rid layers (the bots' 160x120, 240x180 and
 * 320x240 encodings), a WHEP viewer receiving one layer at a time, switched only at keyframes, as
 * one continuous RTP stream; a layer that stops; in-band messages to the publisher's subscribers.
 *
 * Which layer a received packet belongs to is read from its payload: every packet of the three
 * encodings is known (the assets are packetized the same way as the publisher does).
 */
import { spawn } from 'node:child_process';
import { useOPUS, type MediaStreamTrack, type RTCPeerConnection, type RtpPacket } from 'werift';
import { describe, expect, it } from 'vitest';
import { useMediaStage } from './media-stage';
import WebSocket from 'ws';
import { startBots } from '../../packages/ivs-local/src/bots/bots';
import { botMedia, h264Payloads } from '../../packages/ivs-local/src/bots/media-source';
import { WhepViewer } from '../../packages/ivs-local/src/bots/whep-viewer';
import { connected, gathered, WhipPublisher } from '../../packages/ivs-local/src/bots/whip-publisher';
import { loopbackStunUrl } from '../../packages/ivs-local/src/stage-media/loopback-stun';
import { codecFromStream, createPeer } from '../../packages/ivs-local/src/stage-media/peer';
import { LOCAL_IN_BAND_UUID, type LocalStreamInfo, type ServerFrame } from '../../src/local-stage/protocol';

const stage = useMediaStage('simulcast');

async function until<T>(what: string, probe: () => T, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)?.slice(0, 400)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Payload (hex) → the layers whose packetized assets contain it. */
async function payloadLayers(): Promise<Map<string, Set<string>>> {
  const media = await botMedia();
  const map = new Map<string, Set<string>>();
  for (const [rid, frames] of Object.entries(media.layerFrames)) {
    for (const frame of frames) {
      for (const payload of h264Payloads(frame)) {
        const key = payload.toString('hex');
        map.set(key, (map.get(key) ?? new Set()).add(rid));
      }
    }
  }
  return map;
}

interface Received {
  seq: number;
  ts: number;
  rid: string | undefined;
  nalType: number;
}

/** A participant on the events socket, optionally with one WHEP session (werift) to a publisher. */
class Participant {
  readonly frames: ServerFrame[] = [];
  readonly video: Received[] = [];
  readonly ws: WebSocket;
  pc: RTCPeerConnection | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as ServerFrame));
  }

  static async join(tokenValue: string): Promise<Participant> {
    const ws = new WebSocket(`${stage.ivs.url.replace(/^http/, 'ws')}/stage/${stage.id}/events`);
    const p = new Participant(ws);
    stage.cleanup(async () => {
      ws.close();
      await p.pc?.close();
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'join', token: tokenValue }));
    await until('welcome', () => p.frames.some((f) => f.type === 'welcome'), Boolean);
    return p;
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  of<T extends ServerFrame['type']>(type: T): Array<Extract<ServerFrame, { type: T }>> {
    return this.frames.filter((f): f is Extract<ServerFrame, { type: T }> => f.type === type);
  }

  async subscribe(tokenValue: string, publisherId: string, streams: LocalStreamInfo[], layers: Map<string, Set<string>>, query = ''): Promise<void> {
    const video = streams.find((s) => s.kind === 'video')!;
    const pc = createPeer(
      { hostAddresses: ['127.0.0.1'], iceGatheringTimeoutMs: 3000, stunUrl: await loopbackStunUrl() },
      { audio: [useOPUS()], video: [codecFromStream(video)] },
    );
    this.pc = pc;
    pc.onTrack.subscribe((track: MediaStreamTrack) => {
      if (track.kind !== 'video') return;
      track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
        const owners = layers.get(rtp.payload.toString('hex'));
        this.video.push({
          seq: rtp.header.sequenceNumber,
          ts: rtp.header.timestamp,
          rid: owners?.size === 1 ? [...owners][0] : undefined,
          nalType: rtp.payload[0]! & 0x1f,
        });
      });
    });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 3000);
    const response = await fetch(`${stage.ivs.url}/stage/${stage.id}/whep/${publisherId}${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${tokenValue}` },
      body: pc.localDescription!.sdp,
    });
    const body = await response.text();
    expect(response.status, body).toBe(201);
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    await connected(pc, 15_000);
  }

  /** The streams of `participantId` as last announced (welcome, then streamsChanged). */
  streamsOf(participantId: string): LocalStreamInfo[] {
    const changed = this.of('streamsChanged').filter((f) => f.participantId === participantId).pop();
    return changed?.streams ?? this.of('welcome')[0]?.participants.find((p) => p.id === participantId)?.streams ?? [];
  }

  /** The layer of the last identified packet. */
  currentLayer(): string | undefined {
    for (let i = this.video.length - 1; i >= 0; i--) if (this.video[i]!.rid) return this.video[i]!.rid;
    return undefined;
  }
}

/** Runs of consecutive packets of one layer: [rid, index of the run's first identified packet]. */
function layerRuns(video: Received[]): Array<{ rid: string; first: Received; index: number }> {
  const runs: Array<{ rid: string; first: Received; index: number }> = [];
  video.forEach((packet, index) => {
    if (!packet.rid) return;
    if (runs.length === 0 || runs[runs.length - 1]!.rid !== packet.rid) runs.push({ rid: packet.rid, first: packet, index });
  });
  return runs;
}

/** The viewer received one RTP stream: each sequence number once, consecutive, timestamps never going back. */
function expectContinuous(video: Received[]): void {
  for (let i = 1; i < video.length; i++) {
    const gap = (video[i]!.seq - video[i - 1]!.seq) & 0xffff;
    expect(gap, `sequence ${video[i - 1]!.seq} → ${video[i]!.seq} at packet ${i}`).toBe(1);
    expect((video[i]!.ts - video[i - 1]!.ts) >>> 0, `timestamp at packet ${i}`).toBeLessThan(2 ** 31);
  }
}

async function simulcastPublisher(userId = 'cam'): Promise<{ publisher: WhipPublisher; participantId: string; token: string }> {
  const t = await stage.token(userId, ['PUBLISH', 'SUBSCRIBE']);
  const claims = JSON.parse(Buffer.from(t.token.split('.')[1]!, 'base64url').toString()) as { whip_url: string };
  const publisher = await WhipPublisher.start({ whipUrl: claims.whip_url, token: t.token, simulcast: true });
  stage.cleanup(() => publisher.stop());
  return { publisher, participantId: t.participantId, token: t.token };
}

describe('simulcast ingest and per-subscriber layers', () => {
  it('announces 3 layers lowest first; a viewer starts on the lowest, adapts up, follows preferLayer only at keyframes, as one continuous stream', async () => {
    const layers = await payloadLayers();
    const cam = await simulcastPublisher();
    const viewerToken = (await stage.token('viewer', ['SUBSCRIBE'])).token;
    const viewer = await Participant.join(viewerToken);
    const streams = await until(
      'the 3 layers active',
      () => viewer.streamsOf(cam.participantId),
      (s) => s.find((x) => x.kind === 'video')?.layers?.every((l) => l.active) === true,
    );
    expect(streams.find((s) => s.kind === 'video')!.layers).toEqual([
      { rid: 'low', width: 160, height: 120, bitrateBps: 60000, framesPerSecond: 15, active: true },
      { rid: 'mid', width: 240, height: 180, bitrateBps: 120000, framesPerSecond: 15, active: true },
      { rid: 'high', width: 320, height: 240, bitrateBps: 300000, framesPerSecond: 15, active: true },
    ]);

    await viewer.subscribe(viewerToken, cam.participantId, streams, layers);
    // Adapting: the initial (lowest) layer first, then the highest at its next keyframe.
    await until('adapted to high', () => viewer.currentLayer(), (rid) => rid === 'high');
    // Keyframes were asked for on the layers switched to, by their own SSRC; none yet on mid.
    expect(cam.publisher.keyframeRequests.get('low')).toBeGreaterThanOrEqual(1);
    expect(cam.publisher.keyframeRequests.get('high')).toBeGreaterThanOrEqual(1);
    expect(cam.publisher.keyframeRequests.get('mid')).toBeUndefined();
    viewer.send({ type: 'preferLayer', publisherId: cam.participantId, layer: 'mid' });
    await until('switched to mid', () => viewer.currentLayer(), (rid) => rid === 'mid');
    expect(cam.publisher.keyframeRequests.get('mid')).toBeGreaterThanOrEqual(1);
    const midStarted = viewer.video.length;
    await until('some mid frames', () => viewer.video.length, (n) => n > midStarted + 30);

    const runs = layerRuns(viewer.video);
    expect(runs.map((r) => r.rid)).toEqual(['low', 'high', 'mid']);
    // Each layer starts with its keyframe (the SPS that precedes each IDR), never with a delta frame.
    for (const run of runs) expect(run.first.nalType, `${run.rid} starts with`).toBe(7);
    expect(viewer.video.findIndex((p) => p.rid !== undefined)).toBe(0);
    expectContinuous(viewer.video);

    const states = viewer.of('layerState').filter((f) => f.publisherId === cam.participantId);
    expect(states[0]).toMatchObject({ selected: null, adapting: true, reason: 'available' });
    expect(states.filter((s) => s.selected !== states[states.indexOf(s) - 1]?.selected).map((s) => [s.selected, s.reason])).toEqual([
      [null, 'available'],
      ['low', 'selected'],
      ['high', 'adaption'],
      ['mid', 'selected'],
    ]);
    expect(states.at(-1)).toMatchObject({ selected: 'mid', adapting: false });
  });

  it('?layer=highest starts on the top layer; a layer that stops is unavailable and the viewer falls back to the next lower one', async () => {
    const layers = await payloadLayers();
    const cam = await simulcastPublisher();
    const viewerToken = (await stage.token('viewer', ['SUBSCRIBE'])).token;
    const viewer = await Participant.join(viewerToken);
    const streams = await until(
      'layers active',
      () => viewer.streamsOf(cam.participantId),
      (s) => s.find((x) => x.kind === 'video')?.layers?.every((l) => l.active) === true,
    );
    viewer.send({ type: 'preferLayer', publisherId: cam.participantId, layer: 'high' });
    await viewer.subscribe(viewerToken, cam.participantId, streams, layers, '?layer=highest');
    await until('on high', () => viewer.video.filter((p) => p.rid === 'high').length, (n) => n > 20);
    expect(layerRuns(viewer.video).map((r) => r.rid)).toEqual(['high']);

    cam.publisher.pausedLayers.add('high');
    const unavailable = await until(
      'layerState unavailable',
      () => viewer.of('layerState').find((f) => f.reason === 'unavailable' && f.selected === 'mid'),
      Boolean,
    );
    expect(unavailable!.layers.map((l) => [l.rid, l.active])).toEqual([['low', true], ['mid', true], ['high', false]]);
    expect(unavailable!.adapting).toBe(false);
    await until('mid frames', () => viewer.video.filter((p) => p.rid === 'mid').length, (n) => n > 20);
    expect(layerRuns(viewer.video).map((r) => r.rid)).toEqual(['high', 'mid']);
    expect(layerRuns(viewer.video)[1]!.first.nalType).toBe(7);
    expectContinuous(viewer.video);
    // The others are told the layer stopped.
    expect(viewer.streamsOf(cam.participantId).find((s) => s.kind === 'video')!.layers!.map((l) => l.active)).toEqual([true, true, false]);

    // It comes back: the preferred layer is taken again.
    cam.publisher.pausedLayers.delete('high');
    await until('back on high', () => viewer.currentLayer(), (rid) => rid === 'high');
    const back = viewer.video.length;
    await until('high frames again', () => viewer.video.length, (n) => n > back + 20);
    expect(layerRuns(viewer.video).map((r) => r.rid)).toEqual(['high', 'mid', 'high']);
    expectContinuous(viewer.video);
  });
});

describe('simulcast bots', () => {
  it('startBots({ simulcast: true }) publishes 3 layers per bot; a viewer receives each bot at the source frame rate', async () => {
    const bots = await startBots({ endpoint: stage.ivs.url, stageArn: stage.arn, count: 2, simulcast: true });
    stage.cleanup(() => bots.stop());
    const v = await WhepViewer.join({ url: stage.ivs.url, stageId: stage.id, token: (await stage.token('viewer', ['SUBSCRIBE'])).token });
    stage.cleanup(() => v.close());
    await until('2 streams with frames', () => v.streams.filter((s) => s.frames > 30).length, (n) => n === 2);
    for (const s of v.streams) {
      expect(s.fps()).toBeGreaterThan(12);
      expect(s.packetsLost).toBe(0);
    }
    const watcher = await Participant.join((await stage.token('watcher', ['SUBSCRIBE'])).token);
    for (const bot of bots.bots) {
      expect(watcher.streamsOf(bot.participantId).find((s) => s.kind === 'video')?.layers?.map((l) => [l.rid, l.width, l.height, l.active])).toEqual([
        ['low', 160, 120, true],
        ['mid', 240, 180, true],
        ['high', 320, 240, true],
      ]);
    }
  });
});

describe('ivs-local bots --simulcast (built CLI)', () => {
  it('publishes simulcast bots until --duration ends; --simulcast with --audio-only is a usage error', async () => {
    const run = (args: string[]) => {
      const child = spawn(process.execPath, ['packages/ivs-local/dist/bin/ivs-local.js', 'bots', ...args], {
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      stage.cleanup(async () => child.kill());
      let output = '';
      child.stdout.on('data', (d) => (output += String(d)));
      child.stderr.on('data', (d) => (output += String(d)));
      const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
      return { exited, output: () => output };
    };
    const bots = run(['--stage', stage.arn, '--count', '2', '--simulcast', '--duration', '4', '--endpoint', stage.ivs.url]);
    const watcher = await Participant.join((await stage.token('watcher', ['SUBSCRIBE'])).token);
    const published = () =>
      watcher
        .of('participantJoined')
        .map((f) => watcher.streamsOf(f.participant.id).find((s) => s.kind === 'video')?.layers?.filter((l) => l.active).map((l) => l.rid).join(','));
    await until('2 bots with 3 active layers', published, (layers) => layers.filter((l) => l === 'low,mid,high').length === 2);
    expect(await bots.exited).toBe(0);
    expect(bots.output()).toMatch(/bots stopped \(bot-1: \d+ frames, bot-2: \d+ frames\)/);

    const both = run(['--stage', stage.arn, '--simulcast', '--audio-only', '--endpoint', stage.ivs.url]);
    expect(await both.exited).toBe(2);
    expect(both.output()).toMatch(/simulcast .* cannot be combined with audioOnly/);
  });
});

describe('in-band messages with the published video', () => {
  it('reach the two participants subscribed to the sender, with their payload; not the others; too large or too fast is refused', async () => {
    const layers = await payloadLayers();
    const cam = await stage.token('host', ['PUBLISH', 'SUBSCRIBE']);
    const host = await Participant.join(cam.token);
    const claims = JSON.parse(Buffer.from(cam.token.split('.')[1]!, 'base64url').toString()) as { whip_url: string };
    const publisher = await WhipPublisher.start({ whipUrl: claims.whip_url, token: cam.token, simulcast: true });
    stage.cleanup(() => publisher.stop());

    const viewers: Participant[] = [];
    for (const name of ['a', 'b']) {
      const t = (await stage.token(name, ['SUBSCRIBE'])).token;
      const v = await Participant.join(t);
      const streams = await until('streams', () => v.streamsOf(cam.participantId), (s) => s.length > 0);
      await v.subscribe(t, cam.participantId, streams, layers);
      viewers.push(v);
    }
    const bystander = await Participant.join((await stage.token('c', ['SUBSCRIBE'])).token);
    await until('subscriber count', () => host.of('subscriberCount').pop()?.count, (n) => n === 2);

    const payload = Buffer.from('{"slide":7,"at":"00:01:02"}');
    host.send({ type: 'inBandMessage', payload: payload.toString('base64'), repeatCount: 2 });
    const custom = 'ABCDEF0123456789abcdef0123456789';
    host.send({ type: 'inBandMessage', payload: Buffer.from([0, 255, 1]).toString('base64'), uuid: custom });
    for (const v of viewers) {
      const got = await until('in-band messages', () => v.of('inBandMessage'), (m) => m.length === 2);
      expect(got[0]).toEqual({ type: 'inBandMessage', participantId: cam.participantId, payload: payload.toString('base64'), uuid: LOCAL_IN_BAND_UUID });
      expect(Buffer.from(got[0]!.payload, 'base64').toString()).toBe('{"slide":7,"at":"00:01:02"}');
      expect(got[1]).toMatchObject({ payload: 'AP8B', uuid: custom.toLowerCase() });
    }

    host.send({ type: 'inBandMessage', payload: Buffer.alloc(1025, 1).toString('base64') });
    await until('too large refused', () => host.of('error'), (e) => e.length === 1);
    expect(host.of('error')[0]).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/1025 bytes.*1–1024/) });
    // 10 KB/s: in a new one-second window, ten messages of 1 KB pass and the eleventh does not.
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 11; i++) host.send({ type: 'inBandMessage', payload: Buffer.alloc(1024, i).toString('base64') });
    await until('rate limited', () => host.of('error'), (e) => e.length === 2);
    expect(host.of('error')[1]!.message).toMatch(/10 KB per second/);
    await until('relayed before the limit', () => viewers[0]!.of('inBandMessage').length, (n) => n === 2 + 10);
    await new Promise((r) => setTimeout(r, 100));
    for (const v of viewers) expect(v.of('inBandMessage').map((m) => Buffer.from(m.payload, 'base64')[0])).toEqual([0x7b, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(bystander.of('inBandMessage')).toEqual([]);
    expect(host.ws.readyState).toBe(WebSocket.OPEN);
  });
});
