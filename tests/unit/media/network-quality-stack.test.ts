/**
 * NetworkQualityMonitor on a StageSession whose media stack rates its own streams (Amazon IVS
 * `requestQualityStats()` → `ParticipantStream.getQuality()`, modelled by FakeStage): the stack's
 * rating wins, the local participant is rated too, and the event carries `networkQuality` and
 * `qualityLimitationReason`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { QualityChangedEvent } from '../../../src/core/addon-events';
import { NetworkQualityMonitor } from '../../../src/media/network-quality';
import { fakeTrack, participantInfo, participantToken } from '../../fakes/fake-stage';
import { FakeRemoteStream } from '../../fakes/fake-remote-stream';
import { joinConnected, setup } from '../stage/helpers';

const monitors: NetworkQualityMonitor[] = [];
afterEach(() => monitors.splice(0).forEach((m) => m.dispose()));

function waitFor(events: QualityChangedEvent[], test: (e: QualityChangedEvent) => boolean): Promise<QualityChangedEvent> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const found = events.find(test);
      if (found) resolve(found);
      else if (Date.now() - started > 5000) reject(new Error(`no such qualityChanged among ${JSON.stringify(events)}`));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

async function rated() {
  const ctx = setup();
  await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: true });
  const info = participantInfo({ id: 'bob' });
  const audio = new FakeRemoteStream('audio', fakeTrack('audio'));
  const video = new FakeRemoteStream('video', fakeTrack('video'));
  ctx.driver.stage.emitStreamsAdded(info, [audio, video]);
  ctx.driver.stage.emitSubscribeState(info, 'subscribed');
  const monitor = new NetworkQualityMonitor(ctx.session, { intervalMs: 50, recoverAfter: 1 });
  monitors.push(monitor);
  const events: QualityChangedEvent[] = [];
  const relayed: QualityChangedEvent[] = [];
  monitor.on('qualityChanged', (e) => events.push(e));
  ctx.session.on('qualityChanged', (e) => relayed.push(e));
  const localVideo = ctx.driver.localStreams.find((s) => s.streamType === 'video')!;
  return { ...ctx, monitor, events, relayed, audio, video, localVideo };
}

describe('NetworkQualityMonitor with the media stack\'s NetworkQuality', () => {
  it('rates remote participants by the worst of their streams, mapped to good / poor / lost', async () => {
    const ctx = await rated();
    ctx.audio.qualityStats = [{ networkQuality: 4 }];
    ctx.video.qualityStats = [{ networkQuality: 2 }];
    const first = await waitFor(ctx.events, (e) => e.participantId === 'bob');
    expect(first).toMatchObject({ quality: 'good', networkQuality: 'normal', previous: undefined });
    ctx.video.qualityStats = [{ networkQuality: 1 }];
    expect(await waitFor(ctx.events, (e) => e.participantId === 'bob' && e.quality === 'poor')).toMatchObject({ networkQuality: 'poor', previous: 'good' });
    ctx.audio.qualityStats = [{ networkQuality: 0 }];
    expect(await waitFor(ctx.events, (e) => e.participantId === 'bob' && e.quality === 'lost')).toMatchObject({ networkQuality: 'down' });
    expect(ctx.relayed.some((e) => e.participantId === 'bob' && e.quality === 'lost')).toBe(true);
  });

  it("rates the local participant's own streams, with its video's qualityLimitationReason", async () => {
    const ctx = await rated();
    ctx.localVideo.qualityStats = [{ networkQuality: 3, qualityLimitationReason: 'cpu' }];
    const local = await waitFor(ctx.events, (e) => e.participantId === 'me');
    expect(local).toMatchObject({ quality: 'good', networkQuality: 'good', qualityLimitationReason: 'cpu' });
    expect(local.stats.packetsReceived).toBe(0);
    ctx.localVideo.qualityStats = [{ networkQuality: 1, qualityLimitationReason: 'bandwidth' }];
    expect(await waitFor(ctx.events, (e) => e.participantId === 'me' && e.quality === 'poor')).toMatchObject({ qualityLimitationReason: 'bandwidth' });
    expect(ctx.monitor.quality('me')).toBe('poor');
  });

  it('says nothing about participants the stack does not rate (no figures, no stats)', async () => {
    const ctx = await rated();
    ctx.audio.qualityStats = [{ networkQuality: 4 }];
    await waitFor(ctx.events, (e) => e.participantId === 'bob');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ctx.events.filter((e) => e.participantId === 'me')).toEqual([]);
    expect(ctx.monitor.quality('me')).toBeUndefined();
  });
});
