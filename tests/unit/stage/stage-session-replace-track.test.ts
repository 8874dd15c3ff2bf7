import { describe, expect, it } from 'vitest';
import { InvalidStateError, ValidationError } from '../../../src/core/errors';
import { FakeMediaStreamTrack, participantToken } from '../../fakes/fake-stage';
import { joinConnected, recordEvents, setup } from './helpers';

const track = (kind: 'audio' | 'video') => new FakeMediaStreamTrack(kind) as unknown as MediaStreamTrack;

describe('StageSession.replaceTrack (device switch while live)', () => {
  it('swaps the published stream of that kind, re-runs the strategy, stops the captured track and adopts the new one', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    const [oldAudio] = ctx.devices.liveTracks.filter((t) => t.kind === 'audio');
    const refreshes = ctx.driver.stage.calls.refreshStrategy;
    const events = recordEvents(ctx.session);
    const next = track('audio');
    await ctx.session.replaceTrack(next, { adopt: true });
    const published = ctx.driver.stage.strategy.stageStreamsToPublish();
    expect(published.map((s) => s.mediaStreamTrack)).toContain(next);
    expect(published.map((s) => s.mediaStreamTrack)).not.toContain(oldAudio);
    expect(published).toHaveLength(2);
    expect(ctx.driver.stage.calls.refreshStrategy).toBe(refreshes + 1);
    expect(oldAudio!.readyState).toBe('ended');
    expect(ctx.session.localParticipant?.audioTrack).toBe(next);
    expect(events.of('streamsChanged')).toHaveLength(1);
    await ctx.session.leave();
    expect(next.readyState).toBe('ended');
  });

  it('keeps the mute state on the new stream', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    ctx.session.setMuted({ audio: true });
    await ctx.session.replaceTrack(track('audio'));
    const audio = ctx.driver.stage.strategy.stageStreamsToPublish().find((s) => s.streamType === 'audio')!;
    expect(audio.isMuted).toBe(true);
  });

  it('uses the driver stream’s replaceTrack when it has one (no new stream)', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    const stream = ctx.driver.stage.strategy.stageStreamsToPublish().find((s) => s.streamType === 'video')!;
    const replaced: MediaStreamTrack[] = [];
    (stream as { replaceTrack?: (t: MediaStreamTrack) => void }).replaceTrack = (t) => void replaced.push(t);
    const next = track('video');
    await ctx.session.replaceTrack(next);
    expect(replaced).toEqual([next]);
    expect(ctx.driver.stage.strategy.stageStreamsToPublish()).toContain(stream);
  });

  it('never stops a caller-owned previous track; rejects when not publishing that kind or not connected', async () => {
    const ctx = setup();
    await expect(ctx.session.replaceTrack(track('audio'))).rejects.toBeInstanceOf(InvalidStateError);
    const mine = track('video');
    await joinConnected(ctx, { token: participantToken(), publish: true, media: { tracks: [mine] } });
    await expect(ctx.session.replaceTrack(track('audio'))).rejects.toBeInstanceOf(InvalidStateError);
    await ctx.session.replaceTrack(track('video'));
    expect(mine.readyState).toBe('live');
    await expect(ctx.session.replaceTrack({} as MediaStreamTrack)).rejects.toBeInstanceOf(ValidationError);
  });

  it('adoptTracks makes the session stop tracks it was given (what MediaPreview.handOff asks for)', async () => {
    const ctx = setup();
    const given = [track('audio'), track('video')];
    await joinConnected(ctx, { token: participantToken(), publish: true, media: { tracks: given, adoptTracks: true } });
    expect(ctx.devices.calls).toHaveLength(0);
    await ctx.session.leave();
    expect(given.map((t) => t.readyState)).toEqual(['ended', 'ended']);
  });
});
