/**
 * Devices while live (switch by replacing the track, unplug fallback, speaker selection) and the
 * pre-join preview whose tracks are published on join.
 */
import { Beyond, expect, ok, test } from './beyond-fixtures';

interface Devices {
  audioInputs: Array<{ id: string; label: string }>;
  audioOutputs: Array<{ id: string; label: string }>;
}

test('switching the microphone while live replaces the published track: no new connection, the viewer keeps receiving; unplugging it falls back to the default and says so', async ({ stage, openHarness }) => {
  const publisher = new Beyond(await openHarness('publisher'));
  const viewer = new Beyond(await openHarness('viewer'));
  await publisher.join({ token: (await stage.token({ userId: 'publisher' })).token, publish: true, speaker: false, quality: false });
  await viewer.join({ token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, publish: false, speaker: false, quality: false });
  const id = await publisher.localId();
  await viewer.expectReceiving(id);

  const devices = ok<Devices>(await publisher.page.evaluate(() => window.harnessBeyond.listDevices()), 'listDevices');
  const other = devices.audioInputs.find((d) => d.id !== 'default' && d.label.includes('2'));
  expect(other, `a second fake microphone among ${devices.audioInputs.map((d) => d.label).join(', ')}`).toBeDefined();
  const connectionsBefore = await publisher.page.evaluate(() => window.harnessBeyond.peerConnectionsCreated());
  const viewerTrackBefore = (await viewer.state()).participants.find((p) => p.id === id)?.audioTrackId;
  const oldSender = (await publisher.page.evaluate(() => window.harnessBeyond.senders())).find((s) => s.kind === 'audio')!;

  ok(await publisher.page.evaluate((d) => window.harnessBeyond.select('audioinput', d), other!.id), 'select microphone');
  const sender = (await publisher.page.evaluate(() => window.harnessBeyond.senders())).find((s) => s.kind === 'audio')!;
  expect(sender.deviceId).toBe(other!.id);
  expect(sender.id).not.toBe(oldSender.id);
  expect(await publisher.page.evaluate(() => window.harnessBeyond.peerConnectionsCreated())).toBe(connectionsBefore);
  // Subscribers were not re-subscribed: same receiving track, media still arriving.
  expect((await viewer.state()).participants.find((p) => p.id === id)?.audioTrackId).toBe(viewerTrackBefore);
  await viewer.expectReceiving(id);
  const local = (await publisher.state()).participants.find((p) => p.isLocal)!;
  expect(local.audioTrackId).toBe(sender.id);

  // Unplug it: the default microphone takes over, and the app is told.
  await publisher.page.evaluate((d) => window.harnessBeyond.unplug(d), other!.id);
  await expect
    .poll(async () => (await publisher.page.evaluate(() => window.harnessBeyond.senders())).find((s) => s.kind === 'audio')?.deviceId, { timeout: 5_000 })
    .toBe('default');
  const lost = (await publisher.state()).events.find((e) => e.type === 'deviceLost');
  expect(lost?.detail).toMatchObject({ kind: 'audioinput', deviceId: other!.id, fallbackDeviceId: 'default' });
  expect(await publisher.page.evaluate(() => window.harnessBeyond.peerConnectionsCreated())).toBe(connectionsBefore);
  await viewer.expectReceiving(id);
  await viewer.dispose();
  await publisher.dispose();
});

test('the speaker chosen is applied to every remote audio element of the grid (setSinkId)', async ({ stage, openHarness }) => {
  const publisher = new Beyond(await openHarness('publisher'));
  const viewer = new Beyond(await openHarness('viewer'));
  await publisher.join({ token: (await stage.token({ userId: 'publisher' })).token, publish: true, speaker: false, quality: false });
  await viewer.join({ token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, publish: false, speaker: false, quality: false });
  await viewer.expectReceiving(await publisher.localId());
  const devices = ok<Devices>(await viewer.page.evaluate(() => window.harnessBeyond.listDevices()), 'listDevices');
  const speaker = devices.audioOutputs.find((d) => d.id !== 'default');
  expect(speaker).toBeDefined();
  ok(await viewer.page.evaluate(() => window.harnessBeyond.attachOutput()), 'attachOutput');
  ok(await viewer.page.evaluate((d) => window.harnessBeyond.select('audiooutput', d), speaker!.id), 'select speaker');
  const sinks = await viewer.page.evaluate(() => window.harnessBeyond.sinkIds());
  expect(sinks.length).toBeGreaterThan(0);
  expect(sinks.every((s) => s === speaker!.id)).toBe(true);
  await viewer.dispose();
  await publisher.dispose();
});

test('the pre-join preview shows the camera and a moving microphone level, and joining publishes its tracks without a second capture', async ({ stage, openHarness }) => {
  const publisher = new Beyond(await openHarness('publisher'));
  const viewer = new Beyond(await openHarness('viewer'));
  const tracks = ok<{ audioTrackId: string; videoTrackId: string }>(await publisher.page.evaluate(() => window.harnessBeyond.startPreview()), 'startPreview');
  expect(await publisher.page.evaluate(() => window.harnessBeyond.gumCalls())).toBe(1);
  const levels = await publisher.page.evaluate(() => window.harnessBeyond.previewLevels(1_500));
  expect(levels.length).toBeGreaterThan(10);
  expect(Math.max(...levels)).toBeGreaterThan(0.1); // The fake microphone beeps twice a second.
  expect(Math.min(...levels)).toBeLessThan(0.05);
  await expect.poll(async () => (await publisher.page.evaluate(() => window.harnessBeyond.previewFrames())).width, { timeout: 5_000 }).toBeGreaterThan(0);

  await viewer.join({ token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, publish: false, speaker: false, quality: false });
  await publisher.join({ token: (await stage.token({ userId: 'publisher' })).token, publish: true, fromPreview: true, speaker: false, quality: false });
  expect(await publisher.page.evaluate(() => window.harnessBeyond.gumCalls())).toBe(1);
  const senders = await publisher.page.evaluate(() => window.harnessBeyond.senders());
  expect(senders.map((s) => s.id).sort()).toEqual([tracks.audioTrackId, tracks.videoTrackId].sort());
  await viewer.expectReceiving(await publisher.localId());

  // The session adopted the preview's tracks: leaving turns the camera and microphone off.
  await publisher.page.evaluate(() => window.harnessBeyond.leave());
  await expect.poll(() => publisher.page.evaluate(() => window.harnessBeyond.liveTrackCount()), { timeout: 5_000 }).toBe(0);
  await viewer.dispose();
  await publisher.dispose();
});
