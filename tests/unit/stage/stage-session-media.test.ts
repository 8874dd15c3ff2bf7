import { describe, expect, it } from 'vitest';
import { AbortedError, InvalidStateError, MediaDeviceError, StageError, TokenError, ValidationError } from '../../../src/core/errors';
import { FakeMediaStreamTrack, participantInfo, participantToken, stageError } from '../../fakes/fake-stage';
import { flush, joinConnected, setup } from './helpers';

describe('StageSession publishing and local media', () => {
  it('a viewer (publish: false) never calls getUserMedia and offers nothing to publish', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    expect(ctx.devices.calls).toHaveLength(0);
    const strategy = ctx.driver.stage.strategy;
    expect(strategy.stageStreamsToPublish()).toEqual([]);
    expect(strategy.shouldPublishParticipant(ctx.driver.stage as never)).toBe(false);
    expect(ctx.session.publishing).toBe(false);
    await ctx.session.leave();
    expect(ctx.devices.calls).toHaveLength(0);
  });

  it('publish: true captures camera and microphone before creating the stage and offers both streams', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    expect(ctx.devices.calls).toEqual([{ audio: true, video: true }]);
    const strategy = ctx.driver.stage.strategy;
    expect(strategy.stageStreamsToPublish().map((s) => s.streamType).sort()).toEqual(['audio', 'video']);
    expect(strategy.shouldPublishParticipant({} as never)).toBe(true);
    expect(ctx.session.publishing).toBe(true);
    expect(ctx.events.of('publishingChanged')).toEqual([{ publishing: true }]);
    const local = ctx.session.localParticipant!;
    expect(local.isLocal).toBe(true);
    expect(local.audioTrack).toBe(ctx.devices.tracks[0]);
    expect(local.videoTrack).toBe(ctx.devices.tracks[1]);
  });

  it('shows the local media on the local participant as soon as it is connected, and removes it when publishing stops', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    const [added] = ctx.events.of('streamsChanged');
    expect(added?.participant.isLocal).toBe(true);
    expect(added?.added.map((s) => s.kind)).toEqual(['audio', 'video']);
    // The driver echoing the same local streams does not duplicate them.
    ctx.driver.stage.emitStreamsAdded(participantInfo({ id: 'p-local', isLocal: true, isPublishing: true }), [...ctx.driver.localStreams]);
    expect(ctx.session.localParticipant?.streams).toHaveLength(2);
    await ctx.session.setPublishing(false);
    const removed = ctx.events.of('streamsChanged').at(-1);
    expect(removed?.removed.map((s) => s.kind)).toEqual(['audio', 'video']);
    expect(ctx.session.localParticipant?.videoTrack).toBeUndefined();
  });

  it('joins against a driver that connects on its own during join()', async () => {
    const ctx = setup({ autoConnect: true });
    await ctx.session.join({ token: participantToken(), publish: true });
    expect(ctx.session.state).toBe('connected');
    expect(ctx.session.localParticipant?.streams).toHaveLength(2);
  });

  it('passes media constraints through to getUserMedia and publish settings to the driver', async () => {
    const ctx = setup({ publishConfig: { video: { maxBitrate: 900, maxFramerate: 24 } } });
    await joinConnected(ctx, { token: participantToken(), publish: true, media: { audio: false, video: { width: 640 } } });
    expect(ctx.devices.calls).toEqual([{ audio: false, video: { width: 640 } }]);
    expect(ctx.driver.localStreams.map((s) => s.config)).toEqual([{ maxBitrate: 900, maxFramerate: 24 }]);
  });

  it('stops every track it captured on leave (the camera light goes off)', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    expect(ctx.devices.liveTracks).toHaveLength(2);
    await ctx.session.leave();
    expect(ctx.devices.tracks).toHaveLength(2);
    expect(ctx.devices.liveTracks).toHaveLength(0);
    expect(ctx.events.of('publishingChanged')).toEqual([{ publishing: true }, { publishing: false }]);
  });

  it('stops its tracks when the stage ends the session and on dispose()', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    ctx.driver.stage.emitLeft('participant-disconnected');
    expect(ctx.devices.liveTracks).toHaveLength(0);
    await joinConnected(ctx, { token: participantToken(), publish: true });
    await ctx.session.dispose();
    expect(ctx.devices.tracks).toHaveLength(4);
    expect(ctx.devices.liveTracks).toHaveLength(0);
  });

  it('stops its tracks when the join fails', async () => {
    const ctx = setup();
    const joining = ctx.session.join({ token: participantToken(), publish: true });
    await flush();
    ctx.driver.stage.failJoinOffline();
    await expect(joining).rejects.toBeInstanceOf(StageError);
    expect(ctx.devices.tracks).toHaveLength(2);
    expect(ctx.devices.liveTracks).toHaveLength(0);
  });

  it('stops tracks that arrive after the join was aborted during getUserMedia', async () => {
    const ctx = setup();
    let open!: () => void;
    ctx.devices.gate = new Promise((r) => (open = r));
    const controller = new AbortController();
    const joining = ctx.session.join({ token: participantToken(), publish: true, signal: controller.signal });
    await flush();
    expect(ctx.devices.calls).toHaveLength(1);
    controller.abort();
    open();
    await expect(joining).rejects.toBeInstanceOf(AbortedError);
    await flush();
    expect(ctx.devices.tracks).toHaveLength(2);
    expect(ctx.devices.liveTracks).toHaveLength(0);
    expect(ctx.driver.stages).toHaveLength(0);
  });

  it('normalizes a getUserMedia failure to MediaDeviceError and leaves nothing connected', async () => {
    const ctx = setup();
    ctx.devices.failWith = Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    const error = await ctx.session.join({ token: participantToken(), publish: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaDeviceError);
    expect((error as MediaDeviceError).reason).toBe('permission-denied');
    expect(ctx.driver.stages).toHaveLength(0);
    expect(ctx.session.state).toBe('disconnected');
    expect(ctx.events.of('left').map((l) => l.reason)).toEqual(['error']);
  });

  it('publishes caller-provided tracks as-is and never stops them', async () => {
    const ctx = setup();
    const camera = new FakeMediaStreamTrack('video');
    await joinConnected(ctx, { token: participantToken(), publish: true, media: { tracks: [camera.asTrack()] } });
    expect(ctx.devices.calls).toHaveLength(0);
    expect(ctx.driver.stage.strategy.stageStreamsToPublish().map((s) => s.mediaStreamTrack)).toEqual([camera]);
    await ctx.session.leave();
    expect(camera.readyState).toBe('live');
  });

  it('rejects an empty tracks list with ValidationError before connecting', async () => {
    const ctx = setup();
    await expect(ctx.session.join({ token: participantToken(), publish: true, media: { tracks: [] } })).rejects.toBeInstanceOf(ValidationError);
    expect(ctx.factoryCalls).toBe(0);
  });

  it('setPublishing(false) stops the tracks and refreshes the strategy; setPublishing(true) captures again', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    const stage = ctx.driver.stage;
    const refreshes = stage.calls.refreshStrategy;
    await ctx.session.setPublishing(false);
    expect(ctx.session.publishing).toBe(false);
    expect(stage.calls.refreshStrategy).toBe(refreshes + 1);
    expect(stage.strategy.stageStreamsToPublish()).toEqual([]);
    expect(ctx.devices.liveTracks).toHaveLength(0);
    expect(ctx.session.localParticipant?.streams).toEqual([]);
    await ctx.session.setPublishing(true);
    expect(ctx.devices.calls).toHaveLength(2);
    expect(ctx.devices.liveTracks).toHaveLength(2);
    expect(stage.strategy.stageStreamsToPublish()).toHaveLength(2);
    expect(stage.calls.refreshStrategy).toBe(refreshes + 2);
    expect(ctx.events.of('publishingChanged').map((e) => e.publishing)).toEqual([true, false, true]);
  });

  it('setPublishing(true) after adopted tracks were stopped captures the same kinds again', async () => {
    const ctx = setup();
    const camera = new FakeMediaStreamTrack('video');
    await joinConnected(ctx, { token: participantToken(), publish: true, media: { tracks: [camera.asTrack()], adoptTracks: true } });
    await ctx.session.setPublishing(false);
    expect(camera.readyState).toBe('ended');
    await ctx.session.setPublishing(true);
    expect(ctx.devices.calls).toEqual([{ audio: false, video: true }]);
    const published = ctx.driver.stage.strategy.stageStreamsToPublish().map((s) => s.mediaStreamTrack);
    expect(published).toHaveLength(1);
    expect(published[0]).not.toBe(camera);
    expect(published[0]?.readyState).toBe('live');
  });

  it('setPublishing(true) republishes caller-owned tracks that are still live without capturing', async () => {
    const ctx = setup();
    const camera = new FakeMediaStreamTrack('video');
    await joinConnected(ctx, { token: participantToken(), publish: true, media: { tracks: [camera.asTrack()] } });
    await ctx.session.setPublishing(false);
    await ctx.session.setPublishing(true);
    expect(ctx.devices.calls).toHaveLength(0);
    expect(ctx.driver.stage.strategy.stageStreamsToPublish().map((s) => s.mediaStreamTrack)).toEqual([camera]);
  });

  it('setPublishing() when not connected rejects with InvalidStateError', async () => {
    const ctx = setup();
    await expect(ctx.session.setPublishing(true)).rejects.toBeInstanceOf(InvalidStateError);
  });

  it('setPublishing(true) with a subscribe-only token rejects with TokenError (not-allowed)', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken({ publish: false }), publish: false });
    await expect(ctx.session.setPublishing(true)).rejects.toBeInstanceOf(TokenError);
    expect(ctx.devices.calls).toHaveLength(0);
  });

  it('a capture failure in setPublishing(true) rejects but keeps the session connected', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.devices.failWith = Object.assign(new Error('busy'), { name: 'NotReadableError' });
    const error = await ctx.session.setPublishing(true).catch((e: unknown) => e);
    expect((error as MediaDeviceError).reason).toBe('in-use');
    expect(ctx.session.state).toBe('connected');
    expect(ctx.session.publishing).toBe(false);
  });

  it('setMuted() mutes the published stream and reports muteChanged and muted', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    ctx.session.setMuted({ audio: true });
    const audio = ctx.driver.localStreams.find((s) => s.streamType === 'audio')!;
    const video = ctx.driver.localStreams.find((s) => s.streamType === 'video')!;
    expect(audio.isMuted).toBe(true);
    expect(video.isMuted).toBe(false);
    expect(ctx.session.muted).toEqual({ audio: true, video: false });
    const [event] = ctx.events.of('muteChanged');
    expect(event?.kind).toBe('audio');
    expect(event?.muted).toBe(true);
    expect(event?.participant.audioMuted).toBe(true);
    expect(ctx.session.localParticipant?.audioMuted).toBe(true);
    ctx.session.setMuted({ audio: true });
    expect(ctx.events.of('muteChanged')).toHaveLength(1);
  });

  it('keeps the mute state across re-publishing: new streams start muted', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    ctx.session.setMuted({ video: true });
    await ctx.session.setPublishing(false);
    await ctx.session.setPublishing(true);
    const newest = ctx.driver.localStreams.slice(-2);
    expect(newest.find((s) => s.streamType === 'video')?.isMuted).toBe(true);
    expect(newest.find((s) => s.streamType === 'audio')?.isMuted).toBe(false);
    expect(ctx.session.localParticipant?.videoMuted).toBe(true);
    expect(ctx.session.localParticipant?.streams.find((s) => s.kind === 'video')?.muted).toBe(true);
  });

  it('setMuted() before joining is remembered and applied to the first published streams', async () => {
    const ctx = setup();
    ctx.session.setMuted({ audio: true, video: true });
    expect(ctx.session.muted).toEqual({ audio: true, video: true });
    await joinConnected(ctx, { token: participantToken(), publish: true });
    expect(ctx.driver.localStreams.every((s) => s.isMuted)).toBe(true);
  });

  it('a mute set while the camera is starting applies to the streams created afterwards', async () => {
    const ctx = setup();
    let open!: () => void;
    ctx.devices.gate = new Promise((r) => (open = r));
    const joining = ctx.session.join({ token: participantToken(), publish: true });
    await flush();
    ctx.session.setMuted({ audio: true });
    open();
    await flush();
    ctx.driver.stage.connect();
    await joining;
    expect(ctx.driver.localStreams.find((s) => s.streamType === 'audio')?.isMuted).toBe(true);
    expect(ctx.session.localParticipant?.audioMuted).toBe(true);
  });

  it('setMuted() rejects non-boolean values with ValidationError', () => {
    const ctx = setup();
    expect(() => ctx.session.setMuted({ audio: 'yes' as never })).toThrow(ValidationError);
  });
});

describe('StageSession exchangeToken()', () => {
  it('promotes a viewer: capabilities update without reconnecting, then publishing is allowed', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken({ publish: false }), publish: false });
    const stage = ctx.driver.stage;
    const promoted = participantToken({ publish: true });
    await ctx.session.exchangeToken(promoted);
    expect(stage.calls.exchangeToken).toEqual([promoted]);
    expect(ctx.driver.stages).toHaveLength(1);
    expect(ctx.session.localParticipant?.capabilities).toEqual({ publish: true, subscribe: true });
    const update = ctx.events.of('participantUpdated').at(-1);
    expect(update?.changes).toContain('capabilities');
    await ctx.session.setPublishing(true);
    expect(ctx.session.publishing).toBe(true);
    expect(ctx.session.state).toBe('connected');
  });

  it('demotes a publisher: publishing stops and captured tracks are stopped', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    const stage = ctx.driver.stage;
    await ctx.session.exchangeToken(participantToken({ publish: false }));
    expect(ctx.session.publishing).toBe(false);
    expect(ctx.devices.liveTracks).toHaveLength(0);
    expect(stage.strategy.stageStreamsToPublish()).toEqual([]);
    expect(stage.strategy.shouldPublishParticipant({} as never)).toBe(false);
    expect(ctx.session.localParticipant?.capabilities.publish).toBe(false);
    expect(ctx.session.state).toBe('connected');
  });

  it('updates userId and attributes of the local participant', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken({ userId: 'ann' }), publish: false });
    await ctx.session.exchangeToken(participantToken({ userId: 'ann', attributes: { role: 'host' } }));
    expect(ctx.session.localParticipant?.attributes).toEqual({ role: 'host' });
    expect(ctx.events.of('participantUpdated').at(-1)?.changes).toEqual(['attributes']);
  });

  it('rejects a token for another participant with ValidationError and calls nothing', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    await expect(ctx.session.exchangeToken(participantToken({ participantId: 'someone-else' }))).rejects.toBeInstanceOf(ValidationError);
    expect(ctx.driver.stage.calls.exchangeToken).toEqual([]);
  });

  it('rejects an expired token with TokenError and when not connected with InvalidStateError', async () => {
    const ctx = setup();
    await expect(ctx.session.exchangeToken(participantToken())).rejects.toBeInstanceOf(InvalidStateError);
    await joinConnected(ctx, { token: participantToken(), publish: false });
    await expect(ctx.session.exchangeToken(participantToken({ expiresInSeconds: -1 }))).rejects.toBeInstanceOf(TokenError);
  });

  it('maps a rejected exchange to a typed error and keeps the old capabilities', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken({ publish: false }), publish: false });
    ctx.driver.stage.exchangeResult = () => Promise.reject(stageError(11, 'JOIN_ERROR', 'immutable claim changed'));
    const error = await ctx.session.exchangeToken(participantToken()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect((error as Error).message).toContain('TOKEN_EXCHANGE_REQUEST_INVALID');
    expect(ctx.session.localParticipant?.capabilities.publish).toBe(false);
  });
});
