/**
 * Active speaker: levels from the media statistics, `speakersChanged`, and the grid's speaking
 * highlight, measured against the onsets of the fake microphone's beeps.
 */
import { Beyond, expect, ok, test } from './beyond-fixtures';

/** Highlight latencies (ms) of `speakerId` on `listener`, one per beep onset heard on the speaker's side. */
export async function speakingLatencies(speaker: Beyond, listener: Beyond, speakerId: string): Promise<number[]> {
  const onsets = await speaker.page.evaluate(() => window.harnessBeyond.onsets());
  const marks = (await listener.state()).events.filter((e) => e.type === 'highlight' && e.detail['id'] === speakerId);
  const latencies: number[] = [];
  for (const onset of onsets) {
    // Only onsets the highlight was off for: the last transition before the onset turned it off.
    const before = marks.filter((m) => m.t <= onset).at(-1);
    if (before?.detail['speaking'] === true) continue;
    const on = marks.find((m) => m.t > onset && m.detail['speaking'] === true);
    if (on && on.t - onset < 500) latencies.push(on.t - onset);
  }
  return latencies;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Detector settings of the latency measurement (also used by `npm run bench`). */
export const SPEAKER_OPTIONS = { intervalMs: 100, threshold: 0.3, releaseThreshold: 0.3, holdMs: 0 };

test.describe('active speaker', () => {
  test('a remote participant’s tile is highlighted within 300 ms (p50) of speech onset, and speakersChanged is emitted', async ({ stage, openHarness }) => {
    const speaker = new Beyond(await openHarness('speaker'));
    const listener = new Beyond(await openHarness('listener'));
    // The fake microphone beeps every 500 ms; a short hold lets the highlight drop between beeps, so
    // every beep's onset is measured (onset latency does not depend on the hold).
    await listener.join({
      token: (await stage.token({ userId: 'listener', capabilities: ['SUBSCRIBE'] })).token,
      publish: false,
      speaker: SPEAKER_OPTIONS,
      quality: false,
    });
    await speaker.join({ token: (await stage.token({ userId: 'speaker' })).token, publish: true, speaker: false, quality: false });
    const speakerId = await speaker.localId();
    await listener.expectReceiving(speakerId);
    ok(await speaker.page.evaluate(() => window.harnessBeyond.startOnsetProbe()), 'onset probe');
    await listener.page.waitForTimeout(8_000);

    const latencies = await speakingLatencies(speaker, listener, speakerId);
    if (process.env.BEYOND_SPEAKING_OUT) {
      // `npm run bench` (bench/media/speaking.mjs) reads the samples from here.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(process.env.BEYOND_SPEAKING_OUT, JSON.stringify({ latenciesMs: latencies, detector: SPEAKER_OPTIONS }));
    }
    test.info().annotations.push({ type: 'speaking-latency-ms', description: latencies.map((l) => l.toFixed(0)).join(', ') });
    expect(latencies.length, 'beeps whose onset turned the highlight on').toBeGreaterThanOrEqual(3);
    expect(median(latencies)).toBeLessThanOrEqual(300);

    const events = (await listener.state()).events;
    const changed = events.filter((e) => e.type === 'speakersChanged');
    expect(changed.some((e) => (e.detail['speakers'] as string[]).includes(speakerId))).toBe(true);
    // The highlight goes off again between beeps (hold time), and the session relays the event to the grid.
    expect(changed.some((e) => (e.detail['speakers'] as string[]).length === 0)).toBe(true);
    expect(events.some((e) => e.type === 'session:speakersChanged')).toBe(true);
  });

  test('a speaking remote participant’s tile carries --ivs-audio-level, set by a real ActiveSpeakerDetector on the session', async ({ stage, openHarness }) => {
    const speaker = new Beyond(await openHarness('speaker'));
    const listener = new Beyond(await openHarness('listener'));
    await listener.join({
      token: (await stage.token({ userId: 'listener', capabilities: ['SUBSCRIBE'] })).token,
      publish: false,
      speaker: SPEAKER_OPTIONS,
      quality: false,
    });
    await speaker.join({ token: (await stage.token({ userId: 'speaker' })).token, publish: true, speaker: false, quality: false });
    const speakerId = await speaker.localId();
    await listener.expectReceiving(speakerId);
    // The detector relays `speakersChanged` (with `audioLevels`) to the session; the grid writes the
    // speaker's level on its tile when the highlight turns on, so a speaking tile has a level ≥ threshold.
    // Sampled in the page every 50 ms: the fake microphone's beeps are short, and a slower poll from
    // the test can fall between them every time. The level is the one read while the tile speaks.
    const sample = await listener.page.waitForFunction(
      ({ id, threshold }) => {
        const tile = document.querySelector<HTMLElement>(`.ivs-tile[data-participant-id="${CSS.escape(id)}"]`);
        if (!tile?.classList.contains('ivs-tile--speaking')) return false;
        const value = tile.style.getPropertyValue('--ivs-audio-level');
        return value !== '' && Number(value) >= threshold ? Number(value) : false;
      },
      { id: speakerId, threshold: SPEAKER_OPTIONS.threshold },
      { polling: 50, timeout: 10_000 },
    );
    const level = (await sample.jsonValue()) as number;
    expect(level).toBeGreaterThanOrEqual(SPEAKER_OPTIONS.threshold);
    expect(level).toBeLessThanOrEqual(1);
  });

  test('a muted participant is never highlighted, and the local participant is highlighted from the microphone', async ({ stage, openHarness }) => {
    const speaker = new Beyond(await openHarness('speaker'));
    const listener = new Beyond(await openHarness('listener'));
    await speaker.join({ token: (await stage.token({ userId: 'speaker' })).token, publish: true, quality: false });
    await listener.join({ token: (await stage.token({ userId: 'listener', capabilities: ['SUBSCRIBE'] })).token, publish: false });
    const speakerId = await speaker.localId();
    await listener.expectReceiving(speakerId);
    // The speaker's own tile lights up from its microphone's media-source level.
    await expect.poll(async () => (await speaker.state()).events.some((e) => e.type === 'highlight' && e.detail['id'] === speakerId && e.detail['speaking'] === true), { timeout: 5_000 }).toBe(true);

    ok(await speaker.page.evaluate(() => window.harnessBeyond.setMuted({ audio: true })), 'mute');
    await listener.page.waitForTimeout(1_500); // Hold time passes.
    await listener.page.evaluate(() => window.harnessBeyond.clearEvents());
    await listener.page.waitForTimeout(3_000);
    const marks = (await listener.state()).events.filter((e) => e.type === 'highlight' && e.detail['id'] === speakerId && e.detail['speaking'] === true);
    expect(marks).toEqual([]);
    expect((await listener.state()).tiles.find((t) => t.participantId === speakerId)?.speaking).toBe(false);
  });
});
