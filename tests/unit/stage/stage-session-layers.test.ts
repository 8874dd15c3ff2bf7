/**
 * Simulcast layers through StageSession with FakeStage: the stream snapshots' `layers`, the
 * `layersChanged` event (one per driver layer event, reason mapped), `setPreferredLayer()` and the
 * strategy's `preferredLayer`, answered through the driver strategy's `preferredLayerForStream`.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import type { SessionStrategy } from '../../../src/stage/strategies';
import { fakeTrack, participantInfo, participantToken } from '../../fakes/fake-stage';
import { FakeRemoteStream, streamLayer, threeLayers } from '../../fakes/fake-remote-stream';
import { joinConnected, setup } from './helpers';

async function withPublisher(options: Parameters<typeof setup>[0] = {}) {
  const ctx = setup(options);
  await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: false });
  const info = participantInfo({ id: 'pub', isPublishing: true });
  const video = new FakeRemoteStream('video', fakeTrack('video'));
  const audio = new FakeRemoteStream('audio', fakeTrack('audio'));
  const stage = ctx.driver.stage;
  stage.emitJoined(info);
  stage.emitStreamsAdded(info, [audio, video]);
  const layersOfVideo = () => ctx.session.participants.find((p) => p.id === 'pub')!.streams.find((s) => s.kind === 'video')!.layers;
  return { ...ctx, stage, info, video, audio, layersOfVideo };
}

const labels = (layers: { available: readonly { label: string }[] } | undefined) => layers?.available.map((l) => l.label);

describe('StageSession simulcast layers', () => {
  it('shows the layers on the stream snapshot, lowest first, and emits layersChanged for each driver layer event', async () => {
    const ctx = await withPublisher();
    expect(ctx.layersOfVideo()).toBeUndefined(); // Not simulcast (yet).
    ctx.stage.setLayers(ctx.info, ctx.video, threeLayers());
    const first = ctx.layersOfVideo()!;
    expect(labels(first)).toEqual(['low', 'mid', 'high']);
    expect(first).toMatchObject({ selected: undefined, adapting: true });
    expect(first.available[0]).toEqual({ label: 'low', width: 320, height: 180, bitrateBps: 250_000, framesPerSecond: 30 });
    expect(Object.isFrozen(first) && Object.isFrozen(first.available)).toBe(true);

    ctx.stage.selectLayer(ctx.info, ctx.video, ctx.video.layers[1]); // the server picks "low"
    ctx.stage.setAdapting(ctx.info, ctx.video, false);
    ctx.stage.selectLayer(ctx.info, ctx.video, undefined, 'unavailable');
    const events = ctx.events.of('layersChanged');
    expect(events.map((e) => e.reason)).toEqual(['available', 'selected', 'adaption', 'unavailable']);
    expect(events[1]!.layers.selected?.label).toBe('low');
    expect(events[2]!.layers).toMatchObject({ adapting: false, selected: { label: 'low' } });
    expect(events[3]!.layers.selected).toBeUndefined();
    expect(events.every((e) => e.participant.id === 'pub' && e.stream.kind === 'video' && e.stream.layers === e.layers)).toBe(true);
    // Each one is also a participantUpdated with 'layers', and earlier snapshots are untouched.
    const updates = ctx.events.of('participantUpdated').filter((u) => u.changes.includes('layers'));
    expect(updates).toHaveLength(4);
    expect(updates.every((u) => u.changes.length === 1)).toBe(true);
    expect(first.selected).toBeUndefined();
    expect(updates[1]!.previous.streams.find((s) => s.kind === 'video')!.layers).toBe(first);
  });

  it('reads layers a stream already has when it is added, and ignores repeated identical events', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    const info = participantInfo({ id: 'pub' });
    const video = new FakeRemoteStream('video', fakeTrack('video'));
    video.layers = threeLayers();
    video.selected = video.layers[0];
    ctx.driver.stage.emitStreamsAdded(info, [video]);
    const stream = ctx.session.participants[1]!.streams[0]!;
    expect(stream.layers).toMatchObject({ selected: { label: 'high' }, adapting: true });
    ctx.driver.stage.emit('stageStreamLayersChanged', info, video, video.getLayers());
    ctx.driver.stage.emit('stageStreamAdaptionChanged', info, video, true);
    expect(ctx.events.of('layersChanged')).toEqual([]);
  });

  it('setPreferredLayer: lowest / highest / a label / auto, applied at once through preferredLayerForStream', async () => {
    const ctx = await withPublisher();
    ctx.stage.setLayers(ctx.info, ctx.video, threeLayers());
    const refreshes = ctx.stage.calls.refreshStrategy;
    ctx.session.setPreferredLayer('pub', 'lowest');
    expect(ctx.stage.calls.refreshStrategy).toBe(refreshes + 1);
    expect(ctx.layersOfVideo()).toMatchObject({ adapting: false, selected: { label: 'low' } });
    ctx.session.setPreferredLayer('pub', 'highest');
    expect(ctx.layersOfVideo()!.selected?.label).toBe('high');
    ctx.session.setPreferredLayer('pub', { label: 'mid' });
    expect(ctx.layersOfVideo()!.selected?.label).toBe('mid');
    ctx.session.setPreferredLayer('pub', { label: 'mid' }); // same: no new strategy run
    expect(ctx.stage.calls.refreshStrategy).toBe(refreshes + 3);
    ctx.session.setPreferredLayer('pub', 'auto');
    expect(ctx.layersOfVideo()!.adapting).toBe(true);
    expect(ctx.stage.applyPreferredLayers()).toEqual([null]);
  });

  it("'lowest' follows the layers as they change, and a preference set before the layers applies when they come", async () => {
    const ctx = await withPublisher();
    ctx.session.setPreferredLayer('pub', 'lowest');
    expect(ctx.stage.applyPreferredLayers()).toEqual([]); // no simulcast stream yet
    ctx.stage.setLayers(ctx.info, ctx.video, [streamLayer('mid', 640, 360, 700_000), streamLayer('high', 1280, 720, 2_500_000)]);
    expect(ctx.layersOfVideo()!.selected?.label).toBe('mid');
    ctx.stage.setLayers(ctx.info, ctx.video, threeLayers());
    expect(ctx.layersOfVideo()!.selected?.label).toBe('low');
    // A bitrate moving (the SDK reports it every couple of seconds) is a layersChanged, not a new strategy run.
    const refreshes = ctx.stage.calls.refreshStrategy;
    const events = ctx.events.of('layersChanged').length;
    ctx.stage.emit('stageStreamLayersChanged', ctx.info, ctx.video, ctx.video.layers.map((l) => ({ ...l, bitrateBps: l.bitrateBps - 1000 })));
    expect(ctx.events.of('layersChanged')).toHaveLength(events + 1);
    expect(ctx.stage.calls.refreshStrategy).toBe(refreshes);
  });

  it("uses the strategy's preferredLayer with the stream's layers; setPreferredLayer wins over it", async () => {
    const asked: string[][] = [];
    const strategy: SessionStrategy = {
      preferredLayer: (participant, layers) => {
        asked.push([participant.id, ...layers.available.map((l) => l.label)]);
        return 'highest';
      },
    };
    const ctx = await withPublisher({ strategy });
    ctx.stage.setLayers(ctx.info, ctx.video, threeLayers());
    expect(asked[0]).toEqual(['pub', 'low', 'mid', 'high']);
    expect(ctx.layersOfVideo()!.selected?.label).toBe('high');
    ctx.session.setPreferredLayer('pub', 'lowest');
    expect(ctx.layersOfVideo()!.selected?.label).toBe('low');
  });

  it("reports a strategy preferredLayer that throws or answers nonsense as an error, and lets the server adapt", async () => {
    let answer: () => unknown = () => {
      throw new Error('boom');
    };
    const ctx = await withPublisher({ strategy: { preferredLayer: () => answer() as 'auto' } });
    ctx.stage.setLayers(ctx.info, ctx.video, threeLayers());
    answer = () => 'medium';
    ctx.session.refresh();
    // One error per strategy run (the layers change runs it twice: the stage's own run and the session's refresh).
    const errors = ctx.events.of('error').map((e) => e.error);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.every((e) => e instanceof ValidationError && e.message.includes('strategy.preferredLayer'))).toBe(true);
    expect(errors[0]!.message).toContain('boom');
    expect(errors.at(-1)!.message).toContain("'auto', 'lowest', 'highest'");
    expect(ctx.layersOfVideo()!.adapting).toBe(true);
  });

  it('rejects bad input with a ValidationError naming the argument', async () => {
    const ctx = await withPublisher();
    for (const bad of ['medium', { label: '' }, { name: 'low' }, null, 3]) {
      expect(() => ctx.session.setPreferredLayer('pub', bad as never)).toThrow(ValidationError);
    }
    expect(() => ctx.session.setPreferredLayer('', 'lowest')).toThrow(/participantId/);
    expect(() => ctx.session.setPreferredLayer('pub', 'medium' as never)).toThrow(/'auto', 'lowest', 'highest' or \{ label/);
  });

  it('forgets the preference when the participant leaves, and everything when the session leaves', async () => {
    const ctx = await withPublisher();
    ctx.stage.setLayers(ctx.info, ctx.video, threeLayers());
    ctx.session.setPreferredLayer('pub', 'lowest');
    ctx.stage.emitParticipantLeft(ctx.info);
    ctx.stage.simulcastStreams.clear();
    // The same id comes back: adaption again.
    const back = new FakeRemoteStream('video', fakeTrack('video'));
    ctx.stage.emitJoined(ctx.info);
    ctx.stage.emitStreamsAdded(ctx.info, [back]);
    ctx.stage.setLayers(ctx.info, back, threeLayers());
    expect(ctx.stage.applyPreferredLayers()).toEqual([null]);

    ctx.session.setPreferredLayer('pub', 'highest');
    await ctx.session.leave();
    expect(ctx.stage.listenerCount()).toBe(0);
    // The old stage's strategy answers nothing once the connection is over.
    expect(ctx.stage.applyPreferredLayers()).toEqual([null]);
    await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: false });
    const next = ctx.driver.stage;
    next.emitStreamsAdded(ctx.info, [back]);
    next.setLayers(ctx.info, back, threeLayers());
    expect(next.applyPreferredLayers()).toEqual([null]);
  });
});
