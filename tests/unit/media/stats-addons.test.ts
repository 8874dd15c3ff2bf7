import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../../src/core/errors';
import { TypedEmitter } from '../../../src/core/emitter';
import type { SpeakersChangedEvent } from '../../../src/core/addon-events';
import { ActiveSpeakerDetector } from '../../../src/media/active-speaker';
import { classifyNetworkQuality, NetworkQualityMonitor, type NetworkQualityStats } from '../../../src/media/network-quality';
import type { Participant, StageSessionEvents } from '../../../src/stage/types';

/** A session stand-in whose participants' streams answer getStats() from mutable counters. */
class StatsSource extends TypedEmitter<StageSessionEvents> {
  participants: Participant[] = [];
  add(id: string, stats: () => Array<Record<string, unknown>>, init: Partial<Participant> = {}): void {
    const report = () => Promise.resolve(new Map(stats().map((s, i) => [String(i), { id: String(i), ...s }])) as unknown as RTCStatsReport);
    const streams = (['audio', 'video'] as const).map((kind) => ({ id: `${id}-${kind}`, kind, track: { id: `${id}-${kind}` } as MediaStreamTrack, muted: false, getStats: report }));
    this.participants.push({
      id, userId: id, attributes: {}, userInfo: {}, isLocal: false, capabilities: { publish: true, subscribe: true }, isPublishing: true,
      publishState: 'published', subscribeState: 'subscribed', audioTrack: streams[0]!.track, videoTrack: streams[1]!.track,
      audioMuted: false, videoMuted: false, streams, ...init,
    });
  }
}

const good: NetworkQualityStats = { packetLossPercent: 0, jitterMs: 5, rttMs: 20, framesPerSecond: 30, packetsReceived: 100 };

describe('classifyNetworkQuality', () => {
  it.each([
    [{}, true, 'good'],
    [{ packetsReceived: 0 }, true, 'lost'],
    [{ packetLossPercent: 4.9 }, true, 'good'],
    [{ packetLossPercent: 5 }, true, 'poor'],
    [{ jitterMs: 60 }, true, 'poor'],
    [{ rttMs: 500 }, true, 'poor'],
    [{ rttMs: undefined }, true, 'good'],
    [{ framesPerSecond: 2 }, true, 'poor'],
    [{ framesPerSecond: 2 }, false, 'good'],
  ] as const)('%o (video expected: %s) is %s', (patch, videoExpected, expected) => {
    expect(classifyNetworkQuality({ ...good, ...patch }, videoExpected)).toBe(expected);
  });

  it('takes custom thresholds', () => {
    expect(classifyNetworkQuality({ ...good, packetLossPercent: 2 }, true, { poorPacketLossPercent: 1 })).toBe('poor');
  });
});

describe('ActiveSpeakerDetector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function speakerSetup(options = {}) {
    const source = new StatsSource();
    let energy = 0;
    let duration = 0;
    let level = 0;
    source.add('ana', () => [{ type: 'inbound-rtp', kind: 'audio', totalAudioEnergy: energy, totalSamplesDuration: duration }]);
    const detector = new ActiveSpeakerDetector(source, { intervalMs: 100, holdMs: 300, ...options });
    const changes: SpeakersChangedEvent[] = [];
    detector.on('speakersChanged', (e) => changes.push(e));
    const step = async (rms: number) => {
      level = rms;
      duration += 0.1;
      energy += level * level * 0.1;
      await vi.advanceTimersByTimeAsync(100);
    };
    return { source, detector, changes, step };
  }

  it('starts speaking on the first loud reading and stops after holdMs of quiet (hysteresis)', async () => {
    const { detector, changes, step } = speakerSetup();
    await step(0); // First reading: baseline.
    await step(0.001);
    expect(changes).toEqual([]);
    await step(0.4);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.speakers).toEqual(['ana']);
    expect(changes[0]!.audioLevels['ana']).toBeCloseTo(0.4, 2);
    await step(0.03); // Above release (0.025): still speaking, no event.
    await step(0.001);
    await step(0.001);
    expect(detector.isSpeaking('ana')).toBe(true);
    await step(0.001);
    await step(0.001);
    expect(detector.speakers).toEqual([]);
    expect(changes.at(-1)!.speakers).toEqual([]);
    detector.dispose();
  });

  it('never reports a muted participant and rejects bad options', async () => {
    const { source, changes, step, detector } = speakerSetup();
    source.participants[0] = { ...source.participants[0]!, audioMuted: true };
    await step(0);
    await step(0.9);
    expect(changes).toEqual([]);
    detector.dispose();
    expect(() => new ActiveSpeakerDetector(source, { threshold: 2 })).toThrow(ValidationError);
    expect(() => new ActiveSpeakerDetector({} as never)).toThrow(ValidationError);
  });
});

describe('NetworkQualityMonitor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('rates from deltas: good, then poor on loss, lost with no packets, and recovers only after recoverAfter intervals', async () => {
    const source = new StatsSource();
    const c = { received: 0, lost: 0, frames: 0 };
    source.add('bo', () => [
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: c.received, packetsLost: c.lost, jitter: 0.005 },
      { type: 'inbound-rtp', kind: 'video', packetsReceived: c.received, packetsLost: 0, framesDecoded: c.frames, jitter: 0.004 },
      { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.02 },
    ]);
    const monitor = new NetworkQualityMonitor(source, { intervalMs: 1000, recoverAfter: 2 });
    const seen: string[] = [];
    monitor.on('qualityChanged', ({ quality }) => seen.push(quality));
    const tick = async (received: number, lost: number, frames: number) => {
      c.received += received;
      c.lost += lost;
      c.frames += frames;
      await vi.advanceTimersByTimeAsync(1000);
    };
    await tick(50, 0, 30); // Baseline.
    await tick(50, 0, 30);
    expect(seen).toEqual(['good']);
    await tick(50, 20, 30); // 20 lost of 120 → 16 %.
    expect(seen).toEqual(['good', 'poor']);
    await tick(0, 0, 0);
    expect(seen).toEqual(['good', 'poor', 'lost']);
    expect(monitor.quality('bo')).toBe('lost');
    await tick(50, 0, 30);
    expect(seen).toHaveLength(3); // One good interval is not enough.
    await tick(50, 0, 30);
    expect(seen).toEqual(['good', 'poor', 'lost', 'good']);
    monitor.dispose();
  });
});
