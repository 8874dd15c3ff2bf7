import { describe, expect, it } from 'vitest';
import { StageError, ValidationError } from '../../../src/core/errors';
import type { Participant } from '../../../src/stage/types';
import { participantInfo, participantToken, remoteStream, stageError } from '../../fakes/fake-stage';
import { joinConnected, setup } from './helpers';

describe('StageSession participants', () => {
  it('adds the local participant from the token claims once connected', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken({ participantId: 'me', userId: 'ann', attributes: { role: 'host' } }), publish: false });
    const local = ctx.session.localParticipant!;
    expect(local).toMatchObject({ id: 'me', userId: 'ann', attributes: { role: 'host' }, isLocal: true, capabilities: { publish: true, subscribe: true } });
    expect(ctx.session.participants).toEqual([local]);
    expect(ctx.events.of('participantJoined').map((e) => e.participant.id)).toEqual(['me']);
  });

  it('merges the driver\'s local participant info into the same entry instead of adding a second one', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: false });
    ctx.driver.stage.emitJoined(participantInfo({ id: 'me', isLocal: true, userId: 'ann' }));
    expect(ctx.session.participants).toHaveLength(1);
    expect(ctx.session.localParticipant?.userId).toBe('ann');
  });

  it('emits participantJoined / participantLeft for remote participants and keeps them keyed by id', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    const bob = participantInfo({ id: 'bob', userId: 'bob', attributes: { seat: 2 } });
    ctx.driver.stage.emitJoined(bob);
    ctx.driver.stage.emitJoined(participantInfo({ id: 'cy' }));
    expect(ctx.session.participants.map((p) => p.id)).toEqual(['p-local', 'bob', 'cy']);
    const joined = ctx.events.of('participantJoined').at(1)!.participant;
    expect(joined).toMatchObject({ id: 'bob', isLocal: false, attributes: { seat: '2' } });
    ctx.driver.stage.emitParticipantLeft(bob);
    expect(ctx.session.participants.map((p) => p.id)).toEqual(['p-local', 'cy']);
    expect(ctx.events.of('participantLeft').map((e) => e.participant.id)).toEqual(['bob']);
  });

  it('produces a new immutable snapshot on every change, with the kinds of change listed', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    const info = participantInfo({ id: 'bob' });
    ctx.driver.stage.emitJoined(info);
    const first = ctx.session.participants[1]!;
    ctx.driver.stage.emitSubscribeState(info, 'subscribed');
    ctx.driver.stage.emitPublishState(info, 'published');
    const [subscribed, published] = ctx.events.of('participantUpdated');
    expect(subscribed?.previous).toBe(first);
    expect(subscribed?.changes).toEqual(['subscribeState']);
    expect(subscribed?.participant.subscribeState).toBe('subscribed');
    expect(published?.changes).toEqual(['publishState']);
    expect(published?.participant).toMatchObject({ publishState: 'published', isPublishing: true });
    expect(first.subscribeState).toBe('not-subscribed');
    expect(Object.isFrozen(ctx.session.participants)).toBe(true);
  });

  it('does not emit participantUpdated when nothing changed', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    const info = participantInfo({ id: 'bob' });
    ctx.driver.stage.emitJoined(info);
    ctx.driver.stage.emitMetadataChanged(info);
    ctx.driver.stage.emitSubscribeState(info, 'not_subscribed');
    expect(ctx.events.of('participantUpdated')).toHaveLength(0);
  });

  it('reports remote streams through streamsChanged and the participant\'s tracks', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    const info = participantInfo({ id: 'bob' });
    ctx.driver.stage.emitJoined(info);
    const audio = remoteStream('audio');
    const video = remoteStream('video', { isMuted: true });
    ctx.driver.stage.emitStreamsAdded(info, [audio, video]);
    const added = ctx.events.of('streamsChanged')[0]!;
    expect(added.added.map((s) => s.kind)).toEqual(['audio', 'video']);
    expect(added.removed).toEqual([]);
    const bob = ctx.session.participants.find((p) => p.id === 'bob')!;
    expect(bob.audioTrack).toBe(audio.mediaStreamTrack);
    expect(bob.videoTrack).toBe(video.mediaStreamTrack);
    expect(bob.videoMuted).toBe(true);
    ctx.driver.stage.emitStreamsRemoved(info, [video]);
    const removed = ctx.events.of('streamsChanged')[1]!;
    expect(removed.removed.map((s) => s.track)).toEqual([video.mediaStreamTrack]);
    expect(removed.participant.videoTrack).toBeUndefined();
    expect(ctx.events.of('participantUpdated').map((e) => e.changes.includes('streams'))).toEqual([true, true]);
  });

  it('reports remote mute changes through muteChanged', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    const info = participantInfo({ id: 'bob' });
    const audio = remoteStream('audio');
    ctx.driver.stage.emitJoined(info);
    ctx.driver.stage.emitStreamsAdded(info, [audio]);
    ctx.driver.stage.emitMuteChanged(info, { ...audio, isMuted: true });
    expect(ctx.events.of('muteChanged')).toEqual([{ participant: expect.objectContaining({ id: 'bob', audioMuted: true }), kind: 'audio', muted: true }]);
    expect(ctx.events.of('participantUpdated').at(-1)?.changes).toEqual(['mute']);
  });

  it('reports the subscriber count and resets it on leave', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    ctx.driver.stage.emitSubscriberCount(3);
    expect(ctx.session.subscriberCount).toBe(3);
    await ctx.session.leave();
    expect(ctx.session.subscriberCount).toBe(0);
    expect(ctx.events.of('subscriberCountChanged')).toEqual([{ count: 3 }, { count: 0 }]);
  });

  it('on leave emits participantLeft for everyone, then disconnected, then left', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.driver.stage.emitJoined(participantInfo({ id: 'bob' }));
    const start = ctx.events.all.length;
    await ctx.session.leave();
    expect(ctx.events.all.slice(start).map((e) => e.type)).toEqual(['participantLeft', 'participantLeft', 'stateChanged', 'left']);
    expect(ctx.session.participants).toEqual([]);
    expect(ctx.session.localParticipant).toBeUndefined();
  });

  it('emits non-fatal publish/subscribe errors as error events and stays connected', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.driver.stage.emitError({ ...stageError(4, 'SUBSCRIBE_ERROR', 'ice failed'), remoteParticipantId: 'bob' });
    const [event] = ctx.events.of('error');
    expect(event?.error).toBeInstanceOf(StageError);
    expect((event?.error as StageError).category).toBe('subscribe');
    expect((event?.error as StageError).participantId).toBe('bob');
    expect(ctx.session.state).toBe('connected');
  });
});

describe('StageSession strategies (as seen by the driver)', () => {
  const remote = participantInfo({ id: 'bob', attributes: { role: 'guest' } });

  it('host: subscribes to audio and video and publishes while publishing', async () => {
    const ctx = setup({ strategy: 'host' });
    await joinConnected(ctx, { token: participantToken(), publish: true });
    const strategy = ctx.driver.stage.strategy;
    expect(strategy.shouldSubscribeToParticipant(remote)).toBe('audio_video');
    expect(strategy.shouldPublishParticipant(remote)).toBe(true);
  });

  it('viewer: subscribes to audio and video and never publishes, even with publish: true', async () => {
    const ctx = setup({ strategy: 'viewer' });
    await joinConnected(ctx, { token: participantToken(), publish: true });
    const strategy = ctx.driver.stage.strategy;
    expect(strategy.shouldSubscribeToParticipant(remote)).toBe('audio_video');
    expect(strategy.shouldPublishParticipant(remote)).toBe(false);
  });

  it('audio-only: subscribes to audio only', async () => {
    const ctx = setup({ strategy: 'audio-only' });
    await joinConnected(ctx, { token: participantToken(), publish: false });
    expect(ctx.driver.stage.strategy.shouldSubscribeToParticipant(remote)).toBe('audio_only');
  });

  it('custom: decides from this SDK\'s Participant snapshot', async () => {
    const seen: Participant[] = [];
    const ctx = setup({
      strategy: {
        shouldSubscribe: (p) => {
          seen.push(p);
          return p.attributes.role === 'host' ? 'audio-video' : 'none';
        },
      },
    });
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.driver.stage.emitJoined(remote);
    const strategy = ctx.driver.stage.strategy;
    expect(strategy.shouldSubscribeToParticipant(remote)).toBe('none');
    expect(strategy.shouldSubscribeToParticipant(participantInfo({ id: 'h', attributes: { role: 'host' } }))).toBe('audio_video');
    expect(seen[0]).toBe(ctx.session.participants.find((p) => p.id === 'bob'));
    expect(seen[0]?.capabilities).toEqual({ publish: true, subscribe: true });
  });

  it('never subscribes when the token lacks SUBSCRIBE, whatever the strategy says', async () => {
    const ctx = setup({ strategy: 'host' });
    await joinConnected(ctx, { token: participantToken({ subscribe: false }), publish: true });
    expect(ctx.driver.stage.strategy.shouldSubscribeToParticipant(remote)).toBe('none');
  });

  it('never subscribes to the local participant itself', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: false });
    expect(ctx.driver.stage.strategy.shouldSubscribeToParticipant(participantInfo({ id: 'me', isLocal: true }))).toBe('none');
  });

  it('a strategy that throws falls back to not subscribing and reports an error event', async () => {
    const ctx = setup({
      strategy: {
        shouldSubscribe: () => {
          throw new Error('bug in app strategy');
        },
      },
    });
    await joinConnected(ctx, { token: participantToken(), publish: false });
    expect(ctx.driver.stage.strategy.shouldSubscribeToParticipant(remote)).toBe('none');
    const [event] = ctx.events.of('error');
    expect(event?.error).toBeInstanceOf(ValidationError);
    expect((event?.error as ValidationError).field).toBe('strategy.shouldSubscribe');
  });

  it('setStrategy() swaps decisions and re-runs the strategy; refresh() re-runs it', async () => {
    const ctx = setup({ strategy: 'host' });
    await joinConnected(ctx, { token: participantToken(), publish: false });
    const stage = ctx.driver.stage;
    const before = stage.calls.refreshStrategy;
    ctx.session.setStrategy('audio-only');
    expect(stage.calls.refreshStrategy).toBe(before + 1);
    expect(stage.strategy.shouldSubscribeToParticipant(remote)).toBe('audio_only');
    ctx.session.refresh();
    expect(stage.calls.refreshStrategy).toBe(before + 2);
  });

  it('setStrategy() with an unknown name throws ValidationError and keeps the current strategy', async () => {
    const ctx = setup({ strategy: 'audio-only' });
    await joinConnected(ctx, { token: participantToken(), publish: false });
    expect(() => ctx.session.setStrategy('everything' as never)).toThrow(ValidationError);
    expect(ctx.driver.stage.strategy.shouldSubscribeToParticipant(remote)).toBe('audio_only');
  });
});
