/**
 * Media through the local stage: a host publishes its fake camera and microphone; viewers render
 * it in a StageGrid. Everything real: Chromium, the built package, ivs-local's SFU, loopback only.
 */
import { expect, expectOk, hostWithTwoViewers, test } from './fixtures';

test.describe('a host and two viewers on one stage', () => {
  test('the host\'s camera and microphone reach both viewers: their tiles show advancing frames and audio packets', async ({ stage, openHarness }) => {
    const { hostToken, host, viewers } = await hostWithTwoViewers(stage, openHarness);

    for (const viewer of viewers) {
      await viewer.expectMediaFlowing(hostToken.participantId);
      const snap = await viewer.snapshot();
      const hostView = snap.participants.find((p) => p.id === hostToken.participantId);
      expect(hostView, 'the viewer lists the host').toMatchObject({ userId: 'host', isLocal: false, isPublishing: true });
      expect(snap.tiles.find((t) => t.participantId === hostToken.participantId)?.videoWidth, 'decoded video has a size').toBeGreaterThan(0);
    }
    // The host sees both viewers (no tiles with video for them: they do not publish).
    await expect.poll(async () => (await host.snapshot()).participants.length, { message: 'host sees itself and two viewers' }).toBe(3);
  });

  test('a host muting its video is shown as muted on the viewers within 1 s, and as unmuted within 1 s', async ({ stage, openHarness }) => {
    const { hostToken, host, viewers } = await hostWithTwoViewers(stage, openHarness);
    for (const viewer of viewers) {
      await expect.poll(async () => (await viewer.tile(hostToken.participantId))?.framesPresented ?? 0, { message: `${viewer.name} renders the host` }).toBeGreaterThan(0);
    }

    const videoElementBefore = await Promise.all(viewers.map(async (v) => (await v.tile(hostToken.participantId))?.videoElementId));
    expect(videoElementBefore.every((id) => id !== undefined), 'each viewer has a <video> for the host').toBe(true);

    for (const muted of [true, false]) {
      const action = await host.setMuted({ video: muted });
      expectOk(action, `setMuted({ video: ${muted} })`);
      expect((await host.snapshot()).muted.video, 'the host session reports its own mute state').toBe(muted);
      for (const viewer of viewers) {
        await expect
          .poll(async () => {
            const snap = await viewer.snapshot();
            return {
              videoMuted: snap.participants.find((p) => p.id === hostToken.participantId)?.videoMuted,
              cameraOffShown: snap.tiles.find((t) => t.participantId === hostToken.participantId)?.cameraOffShown,
            };
          }, { message: `${viewer.name} shows the host's video as ${muted ? 'muted' : 'unmuted'}`, timeout: 5_000 })
          .toEqual({ videoMuted: muted, cameraOffShown: muted });
        const event = (await viewer.events('muteChanged')).findLast(
          (e) => e.detail['id'] === hostToken.participantId && e.detail['kind'] === 'video' && e.detail['muted'] === muted,
        );
        expect(event, `${viewer.name} got a muteChanged event`).toBeDefined();
        const latency = event!.at - action.at;
        console.log(`${viewer.name}: video ${muted ? 'mute' : 'unmute'} seen after ${latency} ms`);
        expect(latency, `${viewer.name} saw the ${muted ? 'mute' : 'unmute'} within 1 s`).toBeLessThan(1000);
      }
    }
    // Unmuted again: frames keep coming, in the same <video> element (no re-creation, no black flash).
    await viewers[0]!.expectMediaFlowing(hostToken.participantId);
    const videoElementAfter = await Promise.all(viewers.map(async (v) => (await v.tile(hostToken.participantId))?.videoElementId));
    expect(videoElementAfter, 'the viewers kept the same <video> element through mute and unmute').toEqual(videoElementBefore);
  });

  test('a host leaving removes its tile on the viewers within 1 s', async ({ stage, openHarness }) => {
    const { hostToken, host, viewers } = await hostWithTwoViewers(stage, openHarness);
    for (const viewer of viewers) {
      await expect.poll(async () => (await viewer.tile(hostToken.participantId))?.framesPresented ?? 0, { message: `${viewer.name} renders the host` }).toBeGreaterThan(0);
    }

    const action = await host.leave();
    expectOk(action, 'host leave()');
    for (const viewer of viewers) {
      await expect
        .poll(async () => (await viewer.snapshot()).tiles.map((t) => t.participantId), { message: `${viewer.name}: the host's tile is gone`, timeout: 5_000 })
        .not.toContain(hostToken.participantId);
      const left = (await viewer.events('participantLeft')).find((e) => e.detail['id'] === hostToken.participantId);
      expect(left, `${viewer.name} got participantLeft for the host`).toBeDefined();
      const latency = left!.at - action.at;
      console.log(`${viewer.name}: host departure seen after ${latency} ms`);
      expect(latency, `${viewer.name} saw the host leave within 1 s`).toBeLessThan(1000);
      const snap = await viewer.snapshot();
      expect(snap.participants.map((p) => p.id), 'the host is no longer a participant').not.toContain(hostToken.participantId);
      expect(snap.state, 'the viewer stays connected').toBe('connected');
      expect(snap.videoElements, 'no <video> is left for the host (viewers have no video of their own)').toBe(0);
    }
  });

  test('after leave() every local track is ended and the grid is empty', async ({ stage, openHarness }) => {
    const hostToken = await stage.token({ userId: 'host' });
    const host = await openHarness('host');
    await host.joinWithGrid({ token: hostToken.token, publish: true });
    const viewer = await openHarness('viewer');
    await viewer.joinWithGrid({ token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, publish: false });
    await viewer.expectMediaFlowing(hostToken.participantId, { frames: 5, packets: 10 });

    const during = await host.snapshot();
    expect(during.liveTracks, 'the host captured camera and microphone').toBeGreaterThanOrEqual(2);
    expect(during.tiles.map((t) => t.participantId), 'the host sees its own tile').toContain(hostToken.participantId);

    for (const page of [host, viewer]) {
      expectOk(await page.leave(), `${page.name} leave()`);
      const after = await page.snapshot();
      expect(after.state, `${page.name} is disconnected`).toBe('disconnected');
      expect(after.leftReason, `${page.name} left by its own request`).toBe('user');
      expect(after.liveTracks, `${page.name}: every track is ended (${after.liveTrackKinds.join(', ')})`).toBe(0);
      expect(after.tiles, `${page.name}: the grid is empty`).toEqual([]);
      expect(after.videoElements + after.audioElements, `${page.name}: no media elements are left`).toBe(0);
      expect(after.peerConnectionsOpen, `${page.name}: no peer connection is left open`).toBe(0);
      await expect.poll(async () => (await page.snapshot()).webSocketsOpen, { message: `${page.name}: the events socket is closed` }).toBe(0);
      expect((await page.events('left')).map((e) => e.detail['reason']), `${page.name}: exactly one left event`).toEqual(['user']);
    }
  });
});
