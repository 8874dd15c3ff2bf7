/**
 * Network quality per remote participant, from getStats deltas: an event and a tile badge.
 */
import { Beyond, expect, ok, test } from './beyond-fixtures';

type Fixtures = Parameters<Parameters<typeof test>[2]>[0];

/** A publisher and a viewer rating it every 500 ms; resolves once the viewer receives its media. */
async function publisherAndViewer({ stage, openHarness }: Pick<Fixtures, 'stage' | 'openHarness'>) {
  const publisher = new Beyond(await openHarness('publisher'));
  const viewer = new Beyond(await openHarness('viewer'));
  await publisher.join({ token: (await stage.token({ userId: 'publisher' })).token, publish: true, speaker: false, quality: false });
  await viewer.join({
    token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token,
    publish: false,
    speaker: false,
    quality: { intervalMs: 500 },
  });
  const id = await publisher.localId();
  await viewer.expectReceiving(id);
  const tile = async () => (await viewer.state()).tiles.find((t) => t.participantId === id);
  return { publisher, viewer, id, tile };
}

test('a publisher whose media stops arriving is rated lost (event and tile badge), and good again once it flows', async ({ stage, openHarness }) => {
  const { publisher, viewer, id, tile } = await publisherAndViewer({ stage, openHarness });
  const qualityEvents = async () => (await viewer.state()).events.filter((e) => e.type === 'qualityChanged' && e.detail['participantId'] === id);

  await expect.poll(async () => (await tile())?.quality, { timeout: 5_000 }).toBe('good');
  // The first interval after subscribing may read 'poor' (decoder start-up); it settles on 'good'.
  const first = (await qualityEvents()).filter((e) => e.detail['quality'] === 'good').at(-1)!;
  expect(first).toBeDefined();
  expect(first.detail['stats']).toMatchObject({ packetLossPercent: expect.any(Number), jitterMs: expect.any(Number) });
  expect((first.detail['stats'] as { packetsReceived: number }).packetsReceived).toBeGreaterThan(0);
  expect((await tile())?.qualityBadge).toBe('');

  // The publisher's media path dies (no RTP at all) while its events socket stays up.
  ok(await publisher.page.evaluate(() => window.harnessBeyond.pauseSending(true)), 'pause sending');
  await expect.poll(async () => (await tile())?.quality, { timeout: 5_000 }).toBe('lost');
  expect((await tile())?.qualityBadge).not.toBe('');
  const lost = (await qualityEvents()).find((e) => e.detail['quality'] === 'lost')!;
  // The interval in which sending stops may still carry a few packets and read 'poor' on the way down.
  expect(lost.detail).toMatchObject({ previous: expect.stringMatching(/^(good|poor)$/), stats: { packetsReceived: 0 } });
  // The session relays the event, so any listener on the session (the grid) sees it.
  expect((await viewer.state()).events.some((e) => e.type === 'session:qualityChanged' && e.detail['quality'] === 'lost')).toBe(true);

  ok(await publisher.page.evaluate(() => window.harnessBeyond.pauseSending(false)), 'resume sending');
  await expect.poll(async () => (await tile())?.quality, { timeout: 8_000 }).toBe('good');
  expect((await tile())?.qualityBadge).toBe('');
  await viewer.dispose();
  await publisher.dispose();
});

test('a publisher whose video arrives at 2 frames/s is rated poor (event and badge), and good again at full rate', async ({ stage, openHarness }) => {
  const { publisher, viewer, id, tile } = await publisherAndViewer({ stage, openHarness });
  await expect.poll(async () => (await tile())?.quality, { timeout: 5_000 }).toBe('good');

  // Packets keep flowing (not lost), but the video is close to frozen.
  ok(await publisher.page.evaluate(() => window.harnessBeyond.limitVideoFramerate(2)), 'cap the frame rate');
  await expect.poll(async () => (await tile())?.quality, { timeout: 8_000 }).toBe('poor');
  expect((await tile())?.qualityBadge).not.toBe('');
  const poor = (await viewer.state()).events.filter((e) => e.type === 'qualityChanged' && e.detail['participantId'] === id && e.detail['quality'] === 'poor').at(-1)!;
  const stats = poor.detail['stats'] as { packetsReceived: number; framesPerSecond: number };
  expect(stats.packetsReceived).toBeGreaterThan(0);
  expect(stats.framesPerSecond).toBeLessThan(5);

  ok(await publisher.page.evaluate(() => window.harnessBeyond.limitVideoFramerate(null)), 'lift the cap');
  await expect.poll(async () => (await tile())?.quality, { timeout: 8_000 }).toBe('good');
  expect((await tile())?.qualityBadge).toBe('');
  await viewer.dispose();
  await publisher.dispose();
});
