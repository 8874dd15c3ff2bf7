/**
 * Simulcast layers, in-band messages and the jitter buffer on the local stage, at StageSession +
 * StageGrid level: Chromium pages with fake cameras, the package, ivs-local's SFU, loopback only.
 *
 * - a 3-layer simulcast publisher: a viewer whose grid shows it in a small strip tile receives its
 *   lowest layer (the viewer's inbound-rtp `frameWidth`), and its top layer after `grid.pin()`;
 * - an in-band message sent by the host arrives at two viewers with its payload;
 * - `subscribe.jitterBufferMinDelay` raises the measured jitter-buffer target delay.
 */
import { expect, expectOk, test, type HarnessPage, type TestStage } from './fixtures';

/** Widths of the video layers `publisher` is sending now (outbound-rtp with frames), smallest first. */
async function sentWidths(publisher: HarnessPage): Promise<number[]> {
  const { outbound } = await publisher.stats();
  return outbound
    .filter((o) => o.kind === 'video' && o.frameWidth > 0)
    .map((o) => o.frameWidth)
    .sort((a, b) => a - b);
}

/** The publisher's video encodings, for failure messages: `rid width×height (limited by …)`. */
async function describeSent(publisher: HarnessPage): Promise<string> {
  const { outbound } = await publisher.stats();
  return outbound
    .filter((o) => o.kind === 'video')
    .map((o) => `${o.rid ?? '-'} ${o.frameWidth}×${o.frameHeight} (${o.framesEncoded} frames, limited by ${o.qualityLimitationReason ?? '?'})`)
    .join('; ');
}

/** Joins a SUBSCRIBE-only viewer with a grid; `session` options first when given. */
async function joinViewer(
  stage: TestStage,
  viewer: HarnessPage,
  session?: Parameters<HarnessPage['createSession']>[0],
  grid?: Parameters<HarnessPage['joinWithGrid']>[1],
): Promise<void> {
  if (session) await viewer.createSession(session);
  const { token } = await stage.token({ userId: viewer.name, capabilities: ['SUBSCRIBE'] });
  await viewer.joinWithGrid({ token, publish: false }, { showLocal: false, ...grid });
}

test('a 3-layer simulcast publisher reaches a viewer as its lowest layer in a strip tile, and as its top layer once pinned', async ({ stage, openHarness }) => {
  const simulcastToken = await stage.token({ userId: 'simulcast' });
  const publisher = await openHarness('simulcast');
  await publisher.createSession({ publishConfig: { video: { simulcast: { enabled: true, layers: ['720p', '360p', '180p'] } } } });
  // 15 fps: three encoders on a busy 2-core machine, where Chromium otherwise may hold the top layer back.
  expectOk(await publisher.join({ token: simulcastToken.token, publish: true, video: { width: 1280, height: 720, frameRate: 15 } }), 'simulcast publisher join');
  await expect
    .poll(async () => (await sentWidths(publisher)).length, { message: 'the publisher sends 3 video layers', timeout: 30_000 })
    .toBe(3)
    .catch(async (error: Error) => {
      throw new Error(`${error.message}\nsent: ${await describeSent(publisher)}`);
    });

  const hostToken = await stage.token({ userId: 'host' });
  const host = await openHarness('host');
  // The host is only there to take the spotlight: a small picture leaves the cores to the 3 encoders. It joins
  // second: the browser shares its one fake camera between pages, opened at the first page's size.
  expectOk(await host.join({ token: hostToken.token, publish: true, video: { width: 320, height: 180, frameRate: 15 } }), 'host join');

  // The viewer's spotlight shows the host (pinned), the simulcast publisher sits in the strip.
  const viewer = await openHarness('viewer');
  await joinViewer(stage, viewer, undefined, { layout: 'spotlight' });
  await expect
    .poll(async () => (await viewer.snapshot()).tiles.map((t) => t.participantId).sort(), { message: 'the viewer has both tiles', timeout: 15_000 })
    .toEqual([hostToken.participantId, simulcastToken.participantId].sort());
  await viewer.pin(hostToken.participantId);
  await viewer.bringToFront();

  const received = async () => (await viewer.inboundVideo(simulcastToken.participantId))?.frameWidth ?? 0;
  const layers = async () => {
    const sent = await sentWidths(publisher);
    return { sent, received: await received() };
  };
  await expect
    .poll(
      async () => {
        const { sent, received } = await layers();
        return sent.length === 3 && received > 0 && received === sent[0] && received < sent[2]! ? 'lowest' : `received ${received} px wide, sent ${sent.join(', ')}`;
      },
      { message: 'in the strip, the viewer receives the lowest layer (its frameWidth is the smallest layer sent)', timeout: 20_000 },
    )
    .toBe('lowest');
  // It stays there: the server would otherwise move it up to the top layer on a keyframe (adaption).
  await viewer.page.waitForTimeout(3000);
  const inStrip = await layers();
  expect(inStrip.received, `still the lowest layer 3 s later (sent ${inStrip.sent.join(', ')})`).toBe(inStrip.sent[0]);

  await viewer.pin(simulcastToken.participantId);
  await expect
    .poll(
      async () => {
        const { sent, received } = await layers();
        return sent.length === 3 && received === sent[2] ? 'top' : `received ${received} px wide, sent ${sent.join(', ')}`;
      },
      { message: 'pinned, the viewer receives the top layer (its frameWidth is the largest layer sent)', timeout: 20_000 },
    )
    .toBe('top');
  const pinned = await layers();
  expect(pinned.received, `pinned (${pinned.received} px wide) is larger than in the strip (${inStrip.received} px)`).toBeGreaterThan(inStrip.received);

  // The session reports the layers it switched between.
  const reported = (await viewer.events('layersChanged')).map((e) => e.detail).filter((d) => d['id'] === simulcastToken.participantId);
  expect(reported.at(-1)?.['available'], 'layersChanged lists the 3 layers').toHaveLength(3);
  const last = reported.at(-1);
  expect(last?.['selected'], 'layersChanged reports the top layer selected').toBe((last?.['available'] as string[] | undefined)?.at(-1));
  expect(last?.['adapting'], 'a preferred layer, not the server\'s adaption').toBe(false);
});

test('an in-band message sent by the host arrives at two viewers with its payload', async ({ stage, openHarness }) => {
  const hostToken = await stage.token({ userId: 'host' });
  const host = await openHarness('host');
  await host.createSession({ publishConfig: { video: { inBandMessaging: { enabled: true } } } });
  expectOk(await host.join({ token: hostToken.token, publish: true, video: { width: 640, height: 360, frameRate: 30 } }), 'host join');

  const viewers = [await openHarness('viewer-1'), await openHarness('viewer-2')];
  for (const viewer of viewers) {
    await joinViewer(stage, viewer, { subscribe: { inBandMessages: true } });
    await viewer.expectMediaFlowing(hostToken.participantId, { frames: 5, packets: 10 });
  }

  const text = 'reaction: 👏 at 00:42 — ünïcödé';
  expectOk(await host.sendInBandMessage(text), 'sendInBandMessage');
  for (const viewer of viewers) {
    await expect
      .poll(async () => (await viewer.events('inBandMessage')).map((e) => e.detail), { message: `${viewer.name} receives the message`, timeout: 10_000 })
      .toContainEqual({ id: hostToken.participantId, text, bytes: new TextEncoder().encode(text).byteLength, uuid: expect.stringMatching(/^[0-9a-f]{32}$/) });
  }
});

test('jitterBufferMinDelay: 500 ms raises the jitter-buffer target delay above that of a default viewer of the same publisher', async ({ stage, openHarness }) => {
  const hostToken = await stage.token({ userId: 'host' });
  const host = await openHarness('host');
  expectOk(await host.join({ token: hostToken.token, publish: true, video: { width: 640, height: 360, frameRate: 30 } }), 'host join');

  const standard = await openHarness('viewer-default');
  const delayed = await openHarness('viewer-500ms');
  await joinViewer(stage, standard, { subscribe: { jitterBufferMinDelay: 'default' } });
  await joinViewer(stage, delayed, { subscribe: { jitterBufferMinDelay: 500 } });
  for (const viewer of [standard, delayed]) await viewer.expectMediaFlowing(hostToken.participantId, { frames: 5, packets: 10 });

  /** Mean jitter-buffer target and actual delay (ms per emitted frame) of the host's video over 4 s. */
  const measure = async (viewer: HarnessPage) => {
    const before = await viewer.inboundVideo(hostToken.participantId);
    await viewer.page.waitForTimeout(4000);
    const after = await viewer.inboundVideo(hostToken.participantId);
    if (!before || !after) throw new Error(`${viewer.name}: no inbound video from the host`);
    const emitted = after.jitterBufferEmittedCount - before.jitterBufferEmittedCount;
    expect(emitted, `${viewer.name}: frames left the jitter buffer`).toBeGreaterThan(30);
    return {
      targetMs: ((after.jitterBufferTargetDelay - before.jitterBufferTargetDelay) / emitted) * 1000,
      delayMs: ((after.jitterBufferDelay - before.jitterBufferDelay) / emitted) * 1000,
    };
  };
  const [standardDelay, delayedDelay] = await Promise.all([measure(standard), measure(delayed)]);
  test.info().annotations.push({ type: 'jitter buffer (ms)', description: JSON.stringify({ default: standardDelay, '500': delayedDelay }) });
  expect(delayedDelay.targetMs, 'the 500 ms viewer targets at least 450 ms').toBeGreaterThanOrEqual(450);
  expect(standardDelay.targetMs, 'the default viewer targets at least 200 ms less').toBeLessThan(delayedDelay.targetMs - 200);
  expect(delayedDelay.delayMs, 'and its frames actually wait longer').toBeGreaterThan(standardDelay.delayMs + 200);
});
