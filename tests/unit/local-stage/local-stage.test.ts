import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import { LocalStage, LocalStageStream, RemoteStageStream, loadLocalDriver } from '../../../src/local-stage';
import type { LocalParticipantView } from '../../../src/local-stage/protocol';
import { DriverErrorCode, type DriverStageError, type DriverStrategy, type DriverSubscribeType } from '../../../src/stage/driver';
import { createFakeFetch, FakePeerConnection, FakeTrack, FakeWebSocket, flush, makeToken } from './fakes';

function view(id: string, extra: Partial<LocalParticipantView> = {}): LocalParticipantView {
  return {
    id,
    userId: id,
    attributes: {},
    capabilities: { publish: true, subscribe: true },
    published: false,
    streams: [],
    audioMuted: false,
    videoMuted: false,
    ...extra,
  };
}

const AV_STREAMS = [
  { kind: 'audio' as const, mimeType: 'audio/opus', sdpFmtpLine: '' },
  { kind: 'video' as const, mimeType: 'video/VP8', sdpFmtpLine: '' },
];

interface Harness {
  stage: LocalStage;
  events: Array<[string, ...unknown[]]>;
  strategy: { publish: boolean; streams: LocalStageStream[]; subscribe: DriverSubscribeType } & DriverStrategy;
  http: ReturnType<typeof createFakeFetch>;
}

function createHarness(token = makeToken()): Harness {
  const http = createFakeFetch();
  const strategy = {
    publish: false,
    streams: [] as LocalStageStream[],
    subscribe: 'audio_video' as DriverSubscribeType,
    stageStreamsToPublish() {
      return this.streams;
    },
    shouldPublishParticipant() {
      return this.publish;
    },
    shouldSubscribeToParticipant() {
      return this.subscribe;
    },
  };
  const stage = new LocalStage(token, strategy, {
    WebSocket: FakeWebSocket as unknown as typeof WebSocket,
    RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
    fetch: http.fetch,
    reconnect: { minDelayMs: 5, maxDelayMs: 10, giveUpAfterMs: 200 },
  });
  const events: Harness['events'] = [];
  for (const name of [
    'stageConnectionStateChanged',
    'stageParticipantJoined',
    'stageParticipantLeft',
    'stageParticipantPublishStateChanged',
    'stageParticipantSubscribeStateChanged',
    'stageParticipantStreamsAdded',
    'stageParticipantStreamsRemoved',
    'stageStreamMuteChanged',
    'stageSubscriberCountChanged',
    'stageParticipantMetadataChanged',
    'error',
    'stageLeft',
  ] as const) {
    stage.on(name, ((...args: unknown[]) => events.push([name, ...args])) as never);
  }
  return { stage, events, strategy, http };
}

async function joined(h: Harness, participants: LocalParticipantView[] = [], self = view('p-self')): Promise<FakeWebSocket> {
  const join = h.stage.join();
  const ws = FakeWebSocket.last;
  ws.open();
  ws.receive({ type: 'welcome', protocolVersion: 1, self, participants, subscriberCount: 0 });
  await join;
  return ws;
}

const names = (h: Harness) => h.events.map((e) => e[0]);
const stateEvents = (h: Harness) => h.events.filter((e) => e[0] === 'stageConnectionStateChanged').map((e) => e[1]);

beforeEach(() => {
  FakeWebSocket.instances = [];
  FakePeerConnection.instances = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe('LocalStage.join()', () => {
  it('authenticates with the token in the first frame and resolves when welcomed', async () => {
    const token = makeToken();
    const h = createHarness(token);
    const ws = await joined(h, [view('p-other', { userId: 'other' })]);
    expect(ws.url).toBe('ws://127.0.0.1:4000/stage/stage1/events');
    expect(ws.url).not.toContain(token);
    expect(ws.sent[0]).toEqual({ type: 'join', token });
    expect(stateEvents(h)).toEqual(['connecting', 'connected']);
    const joinedInfos = h.events.filter((e) => e[0] === 'stageParticipantJoined').map((e) => e[1] as { id: string; isLocal: boolean });
    expect(joinedInfos.map((p) => [p.id, p.isLocal])).toEqual([
      ['p-self', true],
      ['p-other', false],
    ]);
  });

  it('rejects with TOKEN_EXPIRED and emits error when the server refuses an expired token', async () => {
    const h = createHarness();
    const join = h.stage.join();
    const ws = FakeWebSocket.last;
    ws.open();
    ws.receive({ type: 'error', code: 'token-expired', message: 'expired' });
    ws.drop(4001);
    await expect(join).rejects.toMatchObject({ name: 'StageError', code: DriverErrorCode.TOKEN_EXPIRED, category: 'JOIN_ERROR' });
    const error = h.events.find((e) => e[0] === 'error')?.[1] as DriverStageError;
    expect(error.code).toBe(DriverErrorCode.TOKEN_EXPIRED);
    expect(stateEvents(h)).toEqual(['connecting', 'errored']);
    expect(names(h)).not.toContain('stageLeft');
  });

  it('maps a DisconnectParticipant refusal to PARTICIPANT_DISCONNECTED', async () => {
    const h = createHarness();
    const join = h.stage.join();
    FakeWebSocket.last.open();
    FakeWebSocket.last.receive({ type: 'error', code: 'participant-disconnected', message: 'revoked' });
    await expect(join).rejects.toMatchObject({ code: DriverErrorCode.PARTICIPANT_DISCONNECTED });
  });

  it('rejects a malformed token with TOKEN_MALFORMED without opening a socket', async () => {
    const h = createHarness('not-a-jwt');
    await expect(h.stage.join()).rejects.toMatchObject({ code: DriverErrorCode.TOKEN_MALFORMED, category: 'JOIN_ERROR' });
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it('rejects a token that is already expired with TOKEN_EXPIRED without opening a socket', async () => {
    const h = createHarness(makeToken({ exp: Math.floor(Date.now() / 1000) - 10 }));
    await expect(h.stage.join()).rejects.toMatchObject({ code: DriverErrorCode.TOKEN_EXPIRED });
    expect(FakeWebSocket.instances).toHaveLength(0);
  });
});

describe('LocalStage publishing', () => {
  it('publishes with WHIP when the strategy asks, then reports published and the local streams', async () => {
    const token = makeToken();
    const h = createHarness(token);
    const audio = new LocalStageStream(new FakeTrack('audio') as unknown as MediaStreamTrack);
    const video = new LocalStageStream(new FakeTrack('video') as unknown as MediaStreamTrack, { maxBitrate: 900 });
    h.strategy.publish = true;
    h.strategy.streams = [audio, video];
    const ws = await joined(h);
    await flush();
    const whip = h.http.calls.find((c) => c.method === 'POST')!;
    expect(whip.url).toBe('http://127.0.0.1:4000/stage/stage1/whip');
    expect(whip.headers).toMatchObject({ authorization: `Bearer ${token}`, 'content-type': 'application/sdp' });
    expect(whip.body).toMatch(/^v=0/);
    const pc = FakePeerConnection.instances[0]!;
    expect(pc.transceivers.map((t) => [t.sender.track?.kind, t.direction])).toEqual([
      ['audio', 'sendonly'],
      ['video', 'sendonly'],
    ]);
    expect(pc.remoteDescription?.type).toBe('answer');
    const publishStates = () => h.events.filter((e) => e[0] === 'stageParticipantPublishStateChanged').map((e) => e[2]);
    expect(publishStates()).toEqual(['attempting_publish']);

    pc.connect();
    await flush();
    expect(publishStates()).toEqual(['attempting_publish', 'published']);
    const added = h.events.find((e) => e[0] === 'stageParticipantStreamsAdded')!;
    expect((added[1] as { isLocal: boolean }).isLocal).toBe(true);
    expect(added[2]).toEqual([audio, video]);
    // The initial mute state is announced for each published track.
    expect(ws.sent.filter((f) => f.type === 'mute')).toEqual([
      { type: 'mute', kind: 'audio', muted: false },
      { type: 'mute', kind: 'video', muted: false },
    ]);
  });

  it('LocalStageStream.setMuted disables the track and tells the server', async () => {
    const h = createHarness();
    const track = new FakeTrack('video');
    const video = new LocalStageStream(track as unknown as MediaStreamTrack);
    h.strategy.publish = true;
    h.strategy.streams = [video];
    const ws = await joined(h);
    await flush();
    FakePeerConnection.instances[0]!.connect();
    await flush();
    video.setMuted(true);
    expect(track.enabled).toBe(false);
    expect(video.isMuted).toBe(true);
    expect(ws.sent.at(-1)).toEqual({ type: 'mute', kind: 'video', muted: true });
    expect(names(h)).toContain('stageStreamMuteChanged');
  });

  it('refreshStrategy() unpublishes (DELETE of the WHIP resource) without reconnecting the socket', async () => {
    const h = createHarness();
    h.strategy.publish = true;
    h.strategy.streams = [new LocalStageStream(new FakeTrack('audio') as unknown as MediaStreamTrack)];
    await joined(h);
    await flush();
    FakePeerConnection.instances[0]!.connect();
    await flush();
    h.strategy.publish = false;
    h.stage.refreshStrategy();
    await flush();
    const del = h.http.calls.find((c) => c.method === 'DELETE');
    expect(del?.url).toMatch(/\/stage\/stage1\/whip\/resource-1$/);
    expect(FakePeerConnection.instances[0]!.closed).toBe(true);
    expect(h.events.filter((e) => e[0] === 'stageParticipantPublishStateChanged').map((e) => e[2]).at(-1)).toBe('not_published');
    expect(names(h)).toContain('stageParticipantStreamsRemoved');
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('reports STAGE_AT_CAPACITY as a publish error and does not retry on its own', async () => {
    const h = createHarness();
    h.strategy.publish = true;
    h.strategy.streams = [new LocalStageStream(new FakeTrack('video') as unknown as MediaStreamTrack)];
    h.http.failNext(409, { code: 'stage-at-capacity', message: 'The stage already has 12 publishers.' });
    await joined(h);
    await flush(30);
    const error = h.events.find((e) => e[0] === 'error')?.[1] as DriverStageError;
    expect(error).toMatchObject({ code: DriverErrorCode.STAGE_AT_CAPACITY, category: 'PUBLISH_ERROR', fatal: false });
    expect(error.message).toMatch(/12 publishers/);
    expect(h.events.filter((e) => e[0] === 'stageParticipantPublishStateChanged').map((e) => e[2])).toEqual(['attempting_publish', 'errored']);
    await new Promise((r) => setTimeout(r, 700));
    expect(h.http.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });
});

describe('LocalStage subscribing', () => {
  async function withPublisher(h: Harness) {
    const ws = await joined(h, [view('p-pub')]);
    ws.receive({ type: 'publishStateChanged', participantId: 'p-pub', published: true });
    ws.receive({ type: 'streamsChanged', participantId: 'p-pub', streams: AV_STREAMS });
    await flush();
    return ws;
  }

  it('subscribes with WHEP to a participant that starts publishing and emits its streams', async () => {
    const token = makeToken();
    const h = createHarness(token);
    await withPublisher(h);
    const whep = h.http.calls.find((c) => c.method === 'POST')!;
    expect(whep.url).toBe('http://127.0.0.1:4000/stage/stage1/whep/p-pub');
    expect(whep.headers.authorization).toBe(`Bearer ${token}`);
    const pc = FakePeerConnection.instances[0]!;
    expect(pc.transceivers.map((t) => [t.receiver.track.kind, t.direction])).toEqual([
      ['audio', 'recvonly'],
      ['video', 'recvonly'],
    ]);
    pc.connect();
    await flush();
    const states = h.events.filter((e) => e[0] === 'stageParticipantSubscribeStateChanged').map((e) => e[2]);
    expect(states).toEqual(['attempting_subscribe', 'subscribed']);
    const added = h.events.find((e) => e[0] === 'stageParticipantStreamsAdded')!;
    expect((added[1] as { id: string }).id).toBe('p-pub');
    const streams = added[2] as RemoteStageStream[];
    expect(streams.map((s) => s.streamType).sort()).toEqual(['audio', 'video']);
    expect(streams.every((s) => s instanceof RemoteStageStream && !s.isMuted)).toBe(true);
  });

  it('a strategy that throws subscribes to nothing and is reported on the error event, not the console', async () => {
    const h = createHarness();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    h.strategy.shouldSubscribeToParticipant = () => {
      throw new Error('bad strategy');
    };
    await joined(h, [view('p-pub', { published: true, streams: AV_STREAMS })]);
    expect(h.http.calls.filter((c) => c.method === 'POST')).toEqual([]);
    const errors = h.events.filter((e) => e[0] === 'error').map((e) => e[1] as DriverStageError);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ category: 'SUBSCRIBE_ERROR', code: DriverErrorCode.FAILED, fatal: false, remoteParticipantId: 'p-pub' });
    expect(errors[0]!.message).toMatch(/strategy threw \(bad strategy\); not subscribing to p-pub/);
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
  });

  it('offers only audio for audio_only and nothing for none', async () => {
    const h = createHarness();
    h.strategy.subscribe = 'audio_only';
    await withPublisher(h);
    expect(FakePeerConnection.instances[0]!.transceivers.map((t) => t.receiver.track.kind)).toEqual(['audio']);

    const none = createHarness();
    none.strategy.subscribe = 'none';
    FakePeerConnection.instances = [];
    await withPublisher(none);
    expect(FakePeerConnection.instances).toHaveLength(0);
    expect(none.http.calls).toHaveLength(0);
  });

  it('refreshStrategy() changes a subscription from audio_video to none: streams removed, resource deleted', async () => {
    const h = createHarness();
    await withPublisher(h);
    FakePeerConnection.instances[0]!.connect();
    await flush();
    h.strategy.subscribe = 'none';
    h.stage.refreshStrategy();
    await flush();
    expect(h.http.calls.some((c) => c.method === 'DELETE' && /\/whep\/p-pub\/resource-1$/.test(c.url))).toBe(true);
    expect(names(h)).toContain('stageParticipantStreamsRemoved');
    expect(h.events.filter((e) => e[0] === 'stageParticipantSubscribeStateChanged').map((e) => e[2]).at(-1)).toBe('not_subscribed');
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('relays a remote mute change as stageStreamMuteChanged on the subscribed stream', async () => {
    const h = createHarness();
    const ws = await withPublisher(h);
    FakePeerConnection.instances[0]!.connect();
    await flush();
    ws.receive({ type: 'muteChanged', participantId: 'p-pub', kind: 'video', muted: true });
    const change = h.events.find((e) => e[0] === 'stageStreamMuteChanged')!;
    expect((change[1] as { videoStopped: boolean }).videoStopped).toBe(true);
    expect(change[2]).toMatchObject({ streamType: 'video', isMuted: true });
  });

  it('ends the subscription when the publisher stops, and the participant on participantLeft', async () => {
    const h = createHarness();
    const ws = await withPublisher(h);
    FakePeerConnection.instances[0]!.connect();
    await flush();
    ws.receive({ type: 'streamsChanged', participantId: 'p-pub', streams: [] });
    ws.receive({ type: 'publishStateChanged', participantId: 'p-pub', published: false });
    expect(names(h)).toContain('stageParticipantStreamsRemoved');
    expect(h.events.filter((e) => e[0] === 'stageParticipantPublishStateChanged').map((e) => e[2]).at(-1)).toBe('not_published');
    ws.receive({ type: 'participantLeft', participantId: 'p-pub', reason: 'user' });
    expect(names(h).at(-1)).toBe('stageParticipantLeft');
  });

  it('does not report an error when the publisher is gone by the time of the WHEP request', async () => {
    const h = createHarness();
    h.http.failNext(404, { code: 'publisher-not-found', message: 'gone' });
    await withPublisher(h);
    await flush();
    expect(names(h)).not.toContain('error');
    expect(h.events.filter((e) => e[0] === 'stageParticipantSubscribeStateChanged').map((e) => e[2])).toEqual(['attempting_subscribe', 'not_subscribed']);
  });
});

describe('LocalStage endings and recovery', () => {
  it('maps server left reasons to stageLeft', async () => {
    for (const [reason, expected] of [
      ['stage-deleted', 'stage-deleted'],
      ['participant-disconnected', 'participant-disconnected'],
      ['token-reused', 'token-reused'],
    ] as const) {
      const h = createHarness();
      const ws = await joined(h);
      ws.receive({ type: 'left', reason });
      ws.drop(4000);
      expect(h.events.filter((e) => e[0] === 'stageLeft').map((e) => e[1])).toEqual([expected]);
      expect(stateEvents(h).at(-1)).toBe('disconnected');
    }
  });

  it('reports token expiry as a TOKEN_EXPIRED error before stageLeft', async () => {
    const h = createHarness();
    const ws = await joined(h);
    ws.receive({ type: 'left', reason: 'token-expired' });
    const errorIndex = h.events.findIndex((e) => e[0] === 'error');
    const leftIndex = h.events.findIndex((e) => e[0] === 'stageLeft');
    expect((h.events[errorIndex]![1] as DriverStageError).code).toBe(DriverErrorCode.TOKEN_EXPIRED);
    expect(errorIndex).toBeLessThan(leftIndex);
  });

  it('reconnects after an unexpected drop, rejoins with the same token and publishes again', async () => {
    const token = makeToken();
    const h = createHarness(token);
    h.strategy.publish = true;
    h.strategy.streams = [new LocalStageStream(new FakeTrack('audio') as unknown as MediaStreamTrack)];
    const first = await joined(h, [view('p-other')]);
    await flush();
    FakePeerConnection.instances[0]!.connect();
    await flush();
    first.drop(1006);
    expect(stateEvents(h).at(-1)).toBe('connecting');
    expect(FakePeerConnection.instances[0]!.closed).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    const second = FakeWebSocket.last;
    expect(second).not.toBe(first);
    second.open();
    expect(second.sent[0]).toEqual({ type: 'join', token });
    second.receive({ type: 'welcome', protocolVersion: 1, self: view('p-self'), participants: [view('p-other')], subscriberCount: 0 });
    await flush();
    expect(stateEvents(h)).toEqual(['connecting', 'connected', 'connecting', 'connected']);
    // Same participants, no spurious joins; a new WHIP session.
    expect(h.events.filter((e) => e[0] === 'stageParticipantJoined')).toHaveLength(2);
    expect(h.events.filter((e) => e[0] === 'stageParticipantLeft')).toHaveLength(0);
    expect(h.http.calls.filter((c) => c.method === 'POST' && c.url.endsWith('/whip'))).toHaveLength(2);
    expect(names(h)).not.toContain('stageLeft');
  });

  it('gives up reconnecting after the configured time with an error and stageLeft', async () => {
    const h = createHarness();
    const ws = await joined(h);
    ws.drop(1006);
    for (let i = 0; i < 40 && !names(h).includes('stageLeft'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      const latest = FakeWebSocket.last;
      if (latest.readyState === 0) latest.drop(1006);
    }
    expect(names(h)).toContain('stageLeft');
    expect((h.events.find((e) => e[0] === 'error')?.[1] as DriverStageError).category).toBe('JOIN_ERROR');
  });

  it('leave() sends leave, closes every peer connection and the socket, and emits stageLeft(user-initiated) once', async () => {
    const h = createHarness();
    h.strategy.publish = true;
    h.strategy.streams = [new LocalStageStream(new FakeTrack('video') as unknown as MediaStreamTrack)];
    const ws = await joined(h, [view('p-pub', { published: true, streams: AV_STREAMS })]);
    await flush();
    for (const pc of FakePeerConnection.instances) pc.connect();
    await flush();
    h.stage.leave();
    h.stage.leave();
    expect(ws.sent.at(-1)).toEqual({ type: 'leave' });
    expect(ws.readyState).toBe(3);
    // The server ends the participant's WHIP/WHEP sessions on leave: no DELETE round trips.
    expect(h.http.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);
    expect(FakePeerConnection.instances).toHaveLength(2);
    expect(FakePeerConnection.instances.every((pc) => pc.closed)).toBe(true);
    expect(names(h).slice(-2)).toEqual(['stageLeft', 'stageConnectionStateChanged']);
    expect(names(h)).not.toContain('stageParticipantStreamsRemoved');
    expect(h.events.filter((e) => e[0] === 'stageLeft').map((e) => e[1])).toEqual(['user-initiated']);
  });
});

describe('LocalStage.exchangeToken()', () => {
  it('sends the new token and applies a demotion: publishing stops', async () => {
    const h = createHarness();
    h.strategy.publish = true;
    h.strategy.streams = [new LocalStageStream(new FakeTrack('video') as unknown as MediaStreamTrack)];
    const ws = await joined(h);
    await flush();
    FakePeerConnection.instances[0]!.connect();
    await flush();
    const demoted = makeToken({ capabilities: { allow_publish: false, allow_subscribe: true } });
    const exchange = h.stage.exchangeToken(demoted);
    const frame = ws.sent.at(-1) as { type: string; token: string; requestId: string };
    expect(frame).toMatchObject({ type: 'exchangeToken', token: demoted });
    ws.receive({ type: 'tokenExchanged', requestId: frame.requestId, self: view('p-self', { capabilities: { publish: false, subscribe: true } }) });
    await exchange;
    await flush();
    // The server ended the WHIP session itself when it applied the new token.
    expect(FakePeerConnection.instances[0]!.closed).toBe(true);
    expect(h.http.calls.some((c) => c.method === 'DELETE')).toBe(false);
    expect(names(h)).toContain('stageParticipantMetadataChanged');
    expect(h.events.filter((e) => e[0] === 'stageParticipantPublishStateChanged').map((e) => e[2]).at(-1)).toBe('not_published');
  });

  it('rejects a token of another participant with TOKEN_EXCHANGE_REQUEST_INVALID and keeps the session', async () => {
    const h = createHarness();
    await joined(h);
    await expect(h.stage.exchangeToken(makeToken({ jti: 'someone-else' }))).rejects.toMatchObject({
      code: DriverErrorCode.TOKEN_EXCHANGE_REQUEST_INVALID,
    });
    expect(names(h)).not.toContain('stageLeft');
  });

  it('rejects with TOKEN_EXCHANGE_FAILED when the server refuses the new token', async () => {
    const h = createHarness();
    const ws = await joined(h);
    const exchange = h.stage.exchangeToken(makeToken());
    const frame = ws.sent.at(-1) as { requestId: string };
    ws.receive({ type: 'error', code: 'token-forged', message: 'bad signature', requestId: frame.requestId });
    await expect(exchange).rejects.toMatchObject({ code: DriverErrorCode.TOKEN_EXCHANGE_FAILED });
    expect(stateEvents(h).at(-1)).toBe('connected');
  });
});

describe('LocalStage.exchangeToken() while the connection drops', () => {
  it('rejects a pending exchange with TOKEN_EXCHANGE_FAILED when the socket is lost', async () => {
    const h = createHarness();
    const ws = await joined(h);
    const exchange = h.stage.exchangeToken(makeToken());
    ws.drop(1006);
    await expect(exchange).rejects.toMatchObject({ code: DriverErrorCode.TOKEN_EXCHANGE_FAILED, fatal: false });
    h.stage.leave();
  });

  it('join() rejects a token without events_url or whip_url with TOKEN_MALFORMED at once', async () => {
    const h = createHarness(makeToken({ events_url: undefined, whip_url: undefined }));
    await expect(h.stage.join()).rejects.toMatchObject({ code: DriverErrorCode.TOKEN_MALFORMED });
    expect(FakeWebSocket.instances).toHaveLength(0);
  });
});

describe('loadLocalDriver()', () => {
  it('returns the local driver kind with LocalStage and LocalStageStream factories', async () => {
    const driver = await loadLocalDriver();
    expect(driver.kind).toBe('local');
    expect(driver.createStage(makeToken(), createHarness().strategy)).toBeInstanceOf(LocalStage);
    const stream = driver.createLocalStream(new FakeTrack('audio') as unknown as MediaStreamTrack, { maxAudioBitrateKbps: 64 });
    expect(stream).toBeInstanceOf(LocalStageStream);
    expect(stream.streamType).toBe('audio');
  });

  it('LocalStageStream refuses a track that is neither audio nor video', () => {
    expect(() => new LocalStageStream({ kind: 'data', id: 'x', enabled: true } as unknown as MediaStreamTrack)).toThrow(ValidationError);
  });
});
