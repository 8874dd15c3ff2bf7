/**
 * The local driver's simulcast, subscribe-configuration and in-band parts, through `LocalStage` with
 * the fake browser globals: what goes on the wire (WHIP offer, WHEP URL, client frames) and which
 * IVS-shaped events the server's frames become.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import { LocalStage, LocalStageStream, type RemoteStageStream } from '../../../src/local-stage';
import { LOCAL_IN_BAND_UUID, type LocalLayerInfo, type LocalParticipantView } from '../../../src/local-stage/protocol';
import type {
  DriverParticipantInfo,
  DriverRemoteStream,
  DriverStreamLayer,
  DriverSubscribeConfiguration,
  DriverSubscribeStreamType,
  DriverSubscribeType,
} from '../../../src/stage/driver';
import { createFakeFetch, FakePeerConnection, FakeTrack, FakeWebSocket, flush, makeToken } from './fakes';

const SIMULCAST_STREAMS = [
  { kind: 'audio' as const, mimeType: 'audio/opus', sdpFmtpLine: '' },
  { kind: 'video' as const, mimeType: 'video/VP8', sdpFmtpLine: '' },
];

function view(id: string, extra: Partial<LocalParticipantView> = {}): LocalParticipantView {
  return { id, userId: id, attributes: {}, capabilities: { publish: true, subscribe: true }, published: false, streams: [], audioMuted: false, videoMuted: false, ...extra };
}

const layer = (rid: string, width: number, height: number, active = true): LocalLayerInfo => ({ rid, width, height, bitrateBps: width * 1000, framesPerSecond: 30, active });
const LAYERS = [layer('low', 320, 180), layer('mid', 640, 360), layer('high', 1280, 720)];

interface Strategy {
  publish: boolean;
  streams: LocalStageStream[];
  subscribe: DriverSubscribeType | DriverSubscribeStreamType[];
  config: DriverSubscribeConfiguration | undefined;
  preferred: DriverStreamLayer | string | undefined | null;
  preferCalls: number;
}

function createStage() {
  const http = createFakeFetch();
  const s: Strategy = { publish: false, streams: [], subscribe: 'audio_video', config: undefined, preferred: undefined, preferCalls: 0 };
  const strategy = {
    stageStreamsToPublish: () => s.streams,
    shouldPublishParticipant: () => s.publish,
    shouldSubscribeToParticipant: () => s.subscribe,
    subscribeConfiguration: () => s.config ?? {},
    preferredLayerForStream: (_info: DriverParticipantInfo, _stream: DriverRemoteStream) => {
      s.preferCalls++;
      return s.preferred;
    },
  };
  const stage = new LocalStage(makeToken(), strategy, {
    WebSocket: FakeWebSocket as unknown as typeof WebSocket,
    RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
    fetch: http.fetch,
  });
  const events: Array<[string, ...unknown[]]> = [];
  for (const name of [
    'stageStreamLayersChanged',
    'stageStreamLayerSelected',
    'stageStreamAdaptionChanged',
    'stageStreamSeiMessageReceived',
    'stageParticipantSubtitleCueReceived',
    'stageParticipantStreamsAdded',
    'error',
  ] as const) {
    stage.on(name, ((...args: unknown[]) => events.push([name, ...args])) as never);
  }
  return { stage, strategy: s, http, events };
}

type TestStage = ReturnType<typeof createStage>;

async function join(t: TestStage, participants: LocalParticipantView[] = []): Promise<FakeWebSocket> {
  const joining = t.stage.join();
  const ws = FakeWebSocket.last;
  ws.open();
  ws.receive({ type: 'welcome', protocolVersion: 1, self: view('p-self'), participants, subscriberCount: 0 });
  await joining;
  return ws;
}

/** Joins with a simulcast publisher `p1` present, and connects the WHEP session. */
async function subscribed(t: TestStage, before?: (ws: FakeWebSocket) => void): Promise<{ ws: FakeWebSocket; pc: FakePeerConnection; video: RemoteStageStream }> {
  const ws = await join(t, [view('p1', { published: true, streams: SIMULCAST_STREAMS })]);
  await flush();
  const pc = FakePeerConnection.instances.at(-1)!;
  before?.(ws);
  pc.connect();
  await flush();
  const added = t.events.find((e) => e[0] === 'stageParticipantStreamsAdded')!;
  const video = (added[2] as RemoteStageStream[]).find((s) => s.streamType === 'video')!;
  return { ws, pc, video };
}

const named = (t: TestStage, name: string) => t.events.filter((e) => e[0] === name);
const preferFrames = (ws: FakeWebSocket) => ws.sent.filter((f) => f.type === 'preferLayer');

beforeEach(() => {
  FakeWebSocket.instances = [];
  FakePeerConnection.instances = [];
});

describe('simulcast publish', () => {
  it('sends three rid encodings and writes their restrictions into the WHIP offer', async () => {
    const t = createStage();
    const video = new LocalStageStream(new FakeTrack('video', { width: 1280, height: 720 }) as unknown as MediaStreamTrack, {
      simulcast: { enabled: true, layers: ['720p', '360p', '180p'] },
    });
    t.strategy.publish = true;
    t.strategy.streams = [video];
    await join(t);
    await flush();
    const transceiver = FakePeerConnection.instances[0]!.transceivers[0]!;
    expect(transceiver.sendEncodings.map((e) => [e.rid, e.scaleResolutionDownBy, e.maxBitrate])).toEqual([
      ['low', 4, 250_000],
      ['mid', 2, 700_000],
      ['high', 1, 2_500_000],
    ]);
    const body = t.http.calls.find((c) => c.method === 'POST')!.body!;
    expect(body).toContain('a=rid:low send max-width=320;max-height=180;max-br=250000;max-fps=30\r\n');
    expect(body).toContain('a=rid:high send max-width=1280;max-height=720;max-br=2500000;max-fps=30\r\n');
    expect(body).toContain('a=simulcast:send low;mid;high');
    // The browser's own description is not rewritten.
    expect(FakePeerConnection.instances[0]!.localDescription!.sdp).not.toContain('max-width');
  });

  it('a single encoding without simulcast', async () => {
    const t = createStage();
    t.strategy.publish = true;
    t.strategy.streams = [new LocalStageStream(new FakeTrack('video') as unknown as MediaStreamTrack, { maxBitrate: 900 })];
    await join(t);
    await flush();
    expect(FakePeerConnection.instances[0]!.transceivers[0]!.sendEncodings).toEqual([{ maxBitrate: 900_000 }]);
    expect(t.http.calls.find((c) => c.method === 'POST')!.body).not.toContain('a=rid');
  });
});

describe('remote layers', () => {
  it('reports the layers known when the stream is added, then each change, like the IVS SDK', async () => {
    const t = createStage();
    const { ws, video } = await subscribed(t, (ws) => ws.receive({ type: 'layerState', publisherId: 'p1', layers: LAYERS, selected: 'low', adapting: true, reason: 'available' }));
    expect(video.getLayers().map((l) => l.label)).toEqual(['low', 'mid', 'high']);
    expect(video.getSelectedLayer()).toMatchObject({ label: 'low', selected: true });
    expect(video.getLowestQualityLayer()?.label).toBe('low');
    expect(video.getHighestQualityLayer()?.label).toBe('high');
    expect(video.isAdapting).toBe(true);
    expect(named(t, 'stageStreamLayersChanged')).toHaveLength(1);
    expect(named(t, 'stageStreamLayerSelected').map((e) => [(e[3] as DriverStreamLayer).label, e[4]])).toEqual([['low', 'selected']]);

    // The server adapts up: selection only.
    ws.receive({ type: 'layerState', publisherId: 'p1', layers: LAYERS, selected: 'high', adapting: true, reason: 'adaption' });
    expect(named(t, 'stageStreamLayersChanged')).toHaveLength(1);
    expect(named(t, 'stageStreamLayerSelected').map((e) => (e[3] as DriverStreamLayer).label)).toEqual(['low', 'high']);
    expect(named(t, 'stageStreamAdaptionChanged')).toHaveLength(0);

    // The top layer stops: layers change, the selection moves as "unavailable".
    const withoutHigh = [LAYERS[0]!, LAYERS[1]!, layer('high', 1280, 720, false)];
    ws.receive({ type: 'layerState', publisherId: 'p1', layers: withoutHigh, selected: 'mid', adapting: true, reason: 'unavailable' });
    const changed = named(t, 'stageStreamLayersChanged').at(-1)!;
    expect(changed[2]).toBe(video);
    expect((changed[3] as DriverStreamLayer[]).map((l) => l.label)).toEqual(['low', 'mid']);
    expect(named(t, 'stageStreamLayerSelected').at(-1)!.slice(3).map((x) => (typeof x === 'string' ? x : (x as DriverStreamLayer).label))).toEqual(['mid', 'unavailable']);

    ws.receive({ type: 'layerState', publisherId: 'p1', layers: withoutHigh, selected: 'mid', adapting: false, reason: 'selected' });
    expect(named(t, 'stageStreamAdaptionChanged').map((e) => e[3])).toEqual([false]);
    expect(video.isAdapting).toBe(false);
  });

  it('a stream without simulcast has no layers and is never asked about', async () => {
    const t = createStage();
    t.strategy.preferred = 'high';
    const { ws, video } = await subscribed(t);
    expect(video.getLayers()).toEqual([]);
    expect(video.getSelectedLayer()).toBeUndefined();
    expect(video.isAdapting).toBe(false);
    expect(t.strategy.preferCalls).toBe(0);
    expect(preferFrames(ws)).toEqual([]);
  });

  it('sends preferLayer only when the strategy answer changes (a label, a layer object → its label)', async () => {
    const t = createStage();
    t.strategy.preferred = 'high';
    const { ws, video } = await subscribed(t, (ws) => ws.receive({ type: 'layerState', publisherId: 'p1', layers: LAYERS, selected: 'low', adapting: true, reason: 'available' }));
    expect(preferFrames(ws)).toEqual([{ type: 'preferLayer', publisherId: 'p1', layer: 'high' }]);

    t.stage.refreshStrategy();
    t.stage.refreshStrategy();
    expect(t.strategy.preferCalls).toBeGreaterThanOrEqual(3);
    expect(preferFrames(ws)).toHaveLength(1);

    t.strategy.preferred = video.getLowestQualityLayer();
    t.stage.refreshStrategy();
    t.strategy.preferred = undefined;
    t.stage.replaceStrategy({
      stageStreamsToPublish: () => [],
      shouldPublishParticipant: () => false,
      shouldSubscribeToParticipant: () => 'audio_video',
    });
    // A strategy without preferredLayerForStream leaves the last preference as it is.
    expect(preferFrames(ws).map((f) => f.layer)).toEqual(['high', 'low']);
  });

  it('asks again when the layers change, and null lets the server adapt again', async () => {
    const t = createStage();
    t.strategy.preferred = 'mid';
    const { ws } = await subscribed(t, (ws) => ws.receive({ type: 'layerState', publisherId: 'p1', layers: LAYERS, selected: 'low', adapting: true, reason: 'available' }));
    const calls = t.strategy.preferCalls;
    t.strategy.preferred = null;
    ws.receive({ type: 'layerState', publisherId: 'p1', layers: LAYERS.slice(0, 2), selected: 'mid', adapting: false, reason: 'unavailable' });
    expect(t.strategy.preferCalls).toBe(calls + 1);
    expect(preferFrames(ws).map((f) => f.layer)).toEqual(['mid', null]);
  });

  it('remembers the preference across WHEP sessions (as the server does) until the events socket reconnects', async () => {
    const t = createStage();
    t.strategy.preferred = 'high';
    const state = { type: 'layerState' as const, publisherId: 'p1', layers: LAYERS, selected: 'low', adapting: true, reason: 'available' as const };
    const { ws } = await subscribed(t, (ws) => ws.receive(state));
    expect(preferFrames(ws)).toHaveLength(1);
    // The publisher republishes with another codec: a new WHEP session, the same preference.
    ws.receive({ type: 'streamsChanged', participantId: 'p1', streams: [SIMULCAST_STREAMS[0]!, { kind: 'video', mimeType: 'video/H264', sdpFmtpLine: 'packetization-mode=1' }] });
    await flush();
    ws.receive(state);
    FakePeerConnection.instances.at(-1)!.connect();
    await flush();
    expect(t.http.calls.filter((c) => c.method === 'POST')).toHaveLength(2);
    expect(named(t, 'stageStreamLayersChanged')).toHaveLength(2);
    expect(preferFrames(ws)).toHaveLength(1);
    // A new events socket: the server starts from "adapt" again.
    ws.drop(1006);
    await new Promise((r) => setTimeout(r, 400));
    const again = FakeWebSocket.last;
    expect(again).not.toBe(ws);
    again.open();
    again.receive({ type: 'welcome', protocolVersion: 1, self: view('p-self'), participants: [view('p1', { published: true, streams: SIMULCAST_STREAMS })], subscriberCount: 0 });
    await flush();
    again.receive(state);
    FakePeerConnection.instances.at(-1)!.connect();
    await flush();
    expect(preferFrames(again)).toEqual([{ type: 'preferLayer', publisherId: 'p1', layer: 'high' }]);
  });

  it('a strategy that throws in preferredLayerForStream is reported, not fatal', async () => {
    const t = createStage();
    await subscribed(t, (ws) => ws.receive({ type: 'layerState', publisherId: 'p1', layers: LAYERS, selected: 'low', adapting: true, reason: 'available' }));
    t.strategy.preferred = undefined;
    Object.defineProperty(t.strategy, 'preferred', {
      get() {
        throw new Error('boom');
      },
    });
    t.stage.refreshStrategy();
    const error = named(t, 'error').at(-1)![1] as { category: string; fatal: boolean; message: string };
    expect(error).toMatchObject({ category: 'SUBSCRIBE_ERROR', fatal: false });
    expect(error.message).toContain('boom');
  });
});

describe('subscribe configuration', () => {
  it('initial layer in the WHEP URL; jitter buffer on the receivers at subscribe and when it changes', async () => {
    const t = createStage();
    t.strategy.config = { jitterBuffer: { minDelay: 'medium' }, simulcast: { initialLayerPreference: 'highest_quality' } };
    const { pc } = await subscribed(t);
    expect(t.http.calls.find((c) => c.method === 'POST')!.url).toBe('http://127.0.0.1:4000/stage/stage1/whep/p1?layer=highest');
    const targets = () => pc.transceivers.map((tr) => tr.receiver.jitterBufferTarget);
    expect(targets()).toEqual([200, 200]);
    t.strategy.config = { jitterBuffer: { minDelay: 'high' }, simulcast: { initialLayerPreference: 'highest_quality' } };
    t.stage.refreshStrategy();
    expect(targets()).toEqual([500, 500]);
    t.strategy.config = { jitterBuffer: { minDelay: 'default' } };
    t.stage.refreshStrategy();
    expect(targets()).toEqual([null, null]);
    // No new subscription for a changed configuration.
    expect(t.http.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('a jitter buffer setting changed while the subscription is still connecting applies to it', async () => {
    const t = createStage();
    t.strategy.config = { jitterBuffer: { minDelay: 'low' } };
    const { pc } = await subscribed(t, () => {
      expect(FakePeerConnection.instances.at(-1)!.transceivers.map((tr) => tr.receiver.jitterBufferTarget)).toEqual([50, 50]);
      t.strategy.config = { jitterBuffer: { minDelay: 1200 } };
      t.stage.refreshStrategy();
    });
    expect(pc.transceivers.map((tr) => tr.receiver.jitterBufferTarget)).toEqual([1200, 1200]);
  });

  it('a subscribeConfiguration that throws is reported and the defaults are used', async () => {
    const t = createStage();
    Object.defineProperty(t.strategy, 'config', {
      get() {
        throw new Error('config boom');
      },
    });
    const { pc } = await subscribed(t);
    expect(named(t, 'error').map((e) => (e[1] as { message: string; fatal: boolean }).fatal)).toEqual([false]);
    expect((named(t, 'error')[0]![1] as { message: string }).message).toMatch(/config boom.*default configuration/);
    expect(t.http.calls.find((c) => c.method === 'POST')!.url).toBe('http://127.0.0.1:4000/stage/stage1/whep/p1');
    expect(pc.transceivers.map((tr) => tr.receiver.jitterBufferTarget)).toEqual([null, null]);
  });

  it('no configuration: the default URL and the browser jitter buffer', async () => {
    const t = createStage();
    const { pc } = await subscribed(t);
    expect(t.http.calls.find((c) => c.method === 'POST')!.url).toBe('http://127.0.0.1:4000/stage/stage1/whep/p1');
    expect(pc.transceivers.map((tr) => tr.receiver.jitterBufferTarget)).toEqual([null, null]);
  });
});

describe('in-band messages', () => {
  const message = { type: 'inBandMessage' as const, participantId: 'p1', payload: btoa('hello'), uuid: LOCAL_IN_BAND_UUID };

  it('are delivered as SeiMessages when the subscribe configuration enables them', async () => {
    const t = createStage();
    t.strategy.config = { inBandMessaging: { enabled: true } };
    const { ws } = await subscribed(t);
    ws.receive(message);
    const [event] = named(t, 'stageStreamSeiMessageReceived');
    expect((event![1] as DriverParticipantInfo).id).toBe('p1');
    const sei = event![2] as { uuid: ArrayBuffer; payload: ArrayBuffer };
    expect(new TextDecoder().decode(sei.payload)).toBe('hello');
    expect(sei.uuid.byteLength).toBe(16);
    expect([...new Uint8Array(sei.uuid)].map((b) => b.toString(16).padStart(2, '0')).join('')).toBe(LOCAL_IN_BAND_UUID);
    // Malformed, or from someone unknown: dropped.
    ws.receive({ ...message, payload: '***' });
    ws.receive({ ...message, participantId: 'nobody' });
    expect(named(t, 'stageStreamSeiMessageReceived')).toHaveLength(1);
  });

  it('are dropped when not enabled', async () => {
    const t = createStage();
    const { ws } = await subscribed(t);
    ws.receive(message);
    expect(named(t, 'stageStreamSeiMessageReceived')).toHaveLength(0);
  });

  it('insertSeiMessage sends base64 with the default uuid once published, and checks what it is given', async () => {
    const t = createStage();
    const video = new LocalStageStream(new FakeTrack('video') as unknown as MediaStreamTrack, { inBandMessaging: { enabled: true } });
    const plain = new LocalStageStream(new FakeTrack('video') as unknown as MediaStreamTrack);
    const payload = new TextEncoder().encode('hi').buffer;
    await expect(video.insertSeiMessage(payload)).rejects.toMatchObject({ name: 'StageError', category: 'PUBLISH_ERROR', message: expect.stringContaining('not published') });
    await expect(plain.insertSeiMessage(payload)).rejects.toThrow(/inBandMessaging: \{ enabled: true \}/);
    await expect(video.insertSeiMessage(new ArrayBuffer(0))).rejects.toThrow(ValidationError);
    await expect(video.insertSeiMessage(new ArrayBuffer(1025))).rejects.toThrow(/1 to 1024 bytes, got 1025/);
    await expect(video.insertSeiMessage(payload, { repeatCount: 31 })).rejects.toThrow(/repeatCount/);
    await expect(video.insertSeiMessage('text' as unknown as ArrayBuffer)).rejects.toThrow(/expects an ArrayBuffer/);

    t.strategy.publish = true;
    t.strategy.streams = [video];
    const ws = await join(t);
    await flush();
    FakePeerConnection.instances[0]!.connect();
    await flush();
    await video.insertSeiMessage(payload, { repeatCount: 2 });
    await video.insertSeiMessage(new Uint8Array([1, 2, 3]).buffer);
    expect(ws.sent.filter((f) => f.type === 'inBandMessage')).toEqual([
      { type: 'inBandMessage', payload: btoa('hi'), uuid: LOCAL_IN_BAND_UUID, repeatCount: 2 },
      { type: 'inBandMessage', payload: 'AQID', uuid: LOCAL_IN_BAND_UUID },
    ]);
    // Over 10 KB in a second.
    const big = new ArrayBuffer(1024);
    for (let i = 0; i < 9; i++) await video.insertSeiMessage(big);
    await expect(video.insertSeiMessage(big)).rejects.toThrow(/10 KB/);

    t.strategy.publish = false;
    t.stage.refreshStrategy();
    await expect(video.insertSeiMessage(payload)).rejects.toThrow(/not published/);
  });
});

describe('subtitle cues', () => {
  const cue = { text: 'Hello', languageCode: 'en', startTimeMs: 10, endTimeMs: 900 };

  it('are delivered when the strategy asks for subtitles from that participant', async () => {
    const t = createStage();
    t.strategy.subscribe = ['audio', 'video', 'subtitles'];
    const ws = await join(t, [view('p1'), view('bot')]);
    ws.receive({ type: 'subtitleCue', participantId: 'p1', authorId: 'bot', cue });
    const [event] = named(t, 'stageParticipantSubtitleCueReceived');
    expect((event![1] as DriverParticipantInfo).id).toBe('p1');
    expect(event![2]).toEqual(cue);

    t.strategy.subscribe = 'audio_video';
    ws.receive({ type: 'subtitleCue', participantId: 'p1', authorId: 'bot', cue });
    ws.receive({ type: 'subtitleCue', participantId: 'p1', authorId: 'bot', cue: { text: 3 } as never });
    expect(named(t, 'stageParticipantSubtitleCueReceived')).toHaveLength(1);
  });

  it('a cue about the local participant is delivered with the local participant, when its author is asked for', async () => {
    const t = createStage();
    t.strategy.subscribe = ['subtitles'];
    const ws = await join(t, [view('bot')]);
    ws.receive({ type: 'subtitleCue', participantId: 'p-self', authorId: 'bot', cue: { ...cue, targetParticipantId: 'p-self' } });
    const [event] = named(t, 'stageParticipantSubtitleCueReceived');
    expect(event![1]).toMatchObject({ id: 'p-self', isLocal: true });
    // Subtitles only: no media subscription.
    expect(t.http.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('sendSubtitleCue sends a checked cue while joined', async () => {
    const t = createStage();
    expect(() => t.stage.sendSubtitleCue(cue)).toThrow(/only be sent while joined/);
    const ws = await join(t);
    expect(() => t.stage.sendSubtitleCue({ text: 'x' } as never)).toThrow(ValidationError);
    t.stage.sendSubtitleCue({ ...cue, targetParticipantId: 'p1' });
    expect(ws.sent.filter((f) => f.type === 'subtitleCue')).toEqual([{ type: 'subtitleCue', cue: { ...cue, targetParticipantId: 'p1' } }]);
  });
});
