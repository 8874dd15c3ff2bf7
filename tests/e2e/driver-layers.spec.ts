/**
 * The local stage driver below StageSession, in Chromium against ivs-local's SFU: a publisher sends
 * 3 simulcast layers (fake camera at 1280x720), a subscriber's driver sees the layers, receives the
 * layer its strategy prefers (inbound `frameWidth`), applies the jitter buffer target of its
 * subscribe configuration, and receives an in-band message sent with the video and a subtitle cue.
 */
import type { DriverInbound, DriverOutbound, DriverPublishOptions, DriverResult, DriverSubscribeOptions } from './harness/driver-layers';
import { expect, test, type HarnessPage } from './fixtures';

/** The protocol's default in-band uuid (src/local-stage/protocol.ts, LOCAL_IN_BAND_UUID). */
const IN_BAND_UUID = '7e5f0ac6c8f44e4b9d6b1b6a2f1c9e01';

function value<T>(result: DriverResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${result.error}`);
  return result.value as T;
}

const outbound = async (page: HarnessPage) => value(await page.page.evaluate(() => window.harnessDriver.outbound()), 'outbound') as DriverOutbound[];
const inbound = async (page: HarnessPage) => value(await page.page.evaluate(() => window.harnessDriver.inbound()), 'inbound') as DriverInbound | undefined;
const events = (page: HarnessPage) => page.page.evaluate(() => window.harnessDriver.events());

async function publish(page: HarnessPage, options: DriverPublishOptions): Promise<MediaTrackSettings> {
  return value(await page.page.evaluate((o) => window.harnessDriver.publish(o), options), 'publish') as MediaTrackSettings;
}

async function subscribe(page: HarnessPage, options: DriverSubscribeOptions): Promise<void> {
  value(await page.page.evaluate((o) => window.harnessDriver.subscribe(o), options), 'subscribe');
}

/** Waits until every layer of the publisher has sent frames; returns them. */
async function sendingLayers(page: HarnessPage, count: number): Promise<DriverOutbound[]> {
  await expect
    .poll(async () => (await outbound(page)).filter((o) => (o.framesSent ?? 0) > 0).length, { message: `${count} layers send frames`, timeout: 20_000 })
    .toBe(count);
  return outbound(page);
}

/** Waits until the subscriber decodes frames `width` wide (frames keep advancing). */
async function receivesWidth(page: HarnessPage, width: number): Promise<DriverInbound> {
  let last: DriverInbound | undefined;
  await expect
    .poll(
      async () => {
        const before = (await inbound(page))?.framesDecoded ?? 0;
        await page.page.waitForTimeout(300);
        last = await inbound(page);
        return last && last.framesDecoded > before ? last.frameWidth : undefined;
      },
      { message: `the subscriber decodes ${width}-wide frames`, timeout: 20_000 },
    )
    .toBe(width);
  return last!;
}

test('3-layer simulcast through the SFU: layers, preferred layer, jitter buffer target, an in-band message and a subtitle cue', async ({ stage, openHarness }) => {
  const host = await openHarness('publisher');
  const viewer = await openHarness('viewer');
  const publisher = await stage.token({ userId: 'publisher' });
  const subscriber = await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] });

  const settings = await publish(host, { token: publisher.token, width: 1280, height: 720, simulcast: { enabled: true }, inBandMessaging: true });
  expect([settings.width, settings.height]).toEqual([1280, 720]);
  const layers = await sendingLayers(host, 3);
  expect(layers.map((l) => [l.rid, l.frameWidth])).toEqual([
    ['high', 1280],
    ['low', 320],
    ['mid', 640],
  ]);

  await subscribe(viewer, { token: subscriber.token, preferred: 'low', subtitles: true, config: { jitterBuffer: { minDelay: 'high' }, inBandMessaging: { enabled: true } } });
  // The layers as the SFU announces them, lowest first; the preferred one is received.
  await expect.poll(async () => (await inbound(viewer))?.layers, { timeout: 20_000 }).toEqual(['low', 'mid', 'high']);
  const low = await receivesWidth(viewer, 320);
  expect(low.selected).toBe('low');
  expect(low.adapting).toBe(false);
  expect(low.receiverTarget).toBe(500);

  // A new preference: the SFU switches on the next keyframe.
  value(await viewer.page.evaluate(() => window.harnessDriver.refresh({ preferred: 'high' })), 'prefer high');
  const high = await receivesWidth(viewer, 1280);
  expect(high.selected).toBe('high');
  const seen = await events(viewer);
  expect(seen.filter((e) => e.type === 'layersChanged').at(-1)?.detail).toEqual(['low', 'mid', 'high']);
  expect(seen.filter((e) => e.type === 'layerSelected').map((e) => (e.detail as [string, string])[0])).toEqual(expect.arrayContaining(['low', 'high']));
  expect(seen.filter((e) => e.type === 'error')).toEqual([]);

  // The jitter buffer holds frames about as long as the 500 ms target asks.
  await expect
    .poll(
      async () => {
        const now = (await inbound(viewer))!;
        return now.jitterBufferEmittedCount > 0 ? (1000 * now.jitterBufferTargetDelay) / now.jitterBufferEmittedCount : 0;
      },
      { message: 'average jitter buffer target delay (ms)', timeout: 15_000 },
    )
    .toBeGreaterThan(300);
  const figures = (await inbound(viewer))!;
  console.log(
    `1280x720 capture, layers ${JSON.stringify(layers.map((l) => [l.rid, l.frameWidth]))}; received low ${low.frameWidth}x${low.frameHeight}, high ${high.frameWidth}x${high.frameHeight}; ` +
      `jitterBufferTarget ${figures.receiverTarget} ms, average jitterBufferTargetDelay ${Math.round((1000 * figures.jitterBufferTargetDelay) / figures.jitterBufferEmittedCount)} ms`,
  );

  // An in-band message with the video.
  value(await host.page.evaluate(() => window.harnessDriver.sendInBand('hello layers', 1)), 'insertSeiMessage');
  await expect
    .poll(async () => (await events(viewer)).filter((e) => e.type === 'sei').map((e) => e.detail), { timeout: 10_000 })
    .toContainEqual({ uuid: IN_BAND_UUID, payload: 'hello layers' });

  // A subtitle cue authored by the publisher's driver, asked for with 'subtitles'.
  value(await host.page.evaluate(() => window.harnessDriver.sendSubtitleCue('first line')), 'sendSubtitleCue');
  await expect
    .poll(async () => (await events(viewer)).filter((e) => e.type === 'subtitleCue').map((e) => [e.participantId, e.detail]), { timeout: 10_000 })
    .toEqual([[publisher.participantId, { text: 'first line', languageCode: 'en' }]]);
});

test("Chromium's simulcast layer limit: a 640x480 camera sends the two lower layers, and the subscriber sees those", async ({ stage, openHarness }) => {
  const host = await openHarness('publisher');
  const viewer = await openHarness('viewer');
  const settings = await publish(host, { token: (await stage.token({ userId: 'publisher' })).token, width: 640, height: 480, simulcast: { enabled: true } });
  expect([settings.width, settings.height]).toEqual([640, 480]);
  const layers = await sendingLayers(host, 2);
  // The driver offered three encodings (scaled 4, 2, 1); libwebrtc's legacy layer limit keeps two
  // for 640x480 and leaves the top one unsent.
  expect(layers.map((l) => [l.rid, l.frameWidth ?? null, (l.framesSent ?? 0) > 0])).toEqual([
    ['high', null, false],
    ['low', 160, true],
    ['mid', 320, true],
  ]);
  console.log(`640x480 capture: ${JSON.stringify(layers)}`);
  await subscribe(viewer, { token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token });
  await expect.poll(async () => (await inbound(viewer))?.layers, { timeout: 20_000 }).toEqual(['low', 'mid']);
  // Adapting: the SFU moves up to the highest active layer.
  const top = await receivesWidth(viewer, 320);
  expect([top.selected, top.adapting]).toEqual(['mid', true]);
  // Seconds later the top layer is still not sent.
  expect((await outbound(host)).find((l) => l.rid === 'high')?.framesSent ?? 0).toBe(0);
});

test('H.264 simulcast (driver option videoCodec H264): the preferred middle layer arrives', async ({ stage, openHarness }) => {
  const host = await openHarness('publisher');
  const viewer = await openHarness('viewer');
  await publish(host, { token: (await stage.token({ userId: 'publisher' })).token, width: 1280, height: 720, simulcast: { enabled: true, layers: ['720p', '360p', '180p'] }, codec: 'H264' });
  await sendingLayers(host, 3);
  await subscribe(viewer, { token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, preferred: 'mid' });
  const mid = await receivesWidth(viewer, 640);
  expect([mid.mimeType, mid.selected, mid.adapting]).toEqual(['video/H264', 'mid', false]);
});
