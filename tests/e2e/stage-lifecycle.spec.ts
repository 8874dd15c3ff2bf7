/**
 * The stage ending sessions from the server side (DeleteStage, DisconnectParticipant) and a viewer
 * being promoted to publisher, driven through the real AWS SDK against ivs-local.
 */
import { expect, expectOk, failure, hostWithTwoViewers, test } from './fixtures';

test.describe('sessions ended by the control plane', () => {
  test('DeleteStage makes every participant leave with reason "stage-deleted" and releases their media', async ({ stage, openHarness }) => {
    const { hostToken, host, viewers } = await hostWithTwoViewers(stage, openHarness);
    await viewers[1]!.expectMediaFlowing(hostToken.participantId, { frames: 3, packets: 5 });

    await stage.delete();

    for (const page of [...viewers, host]) {
      await expect
        .poll(async () => {
          const snap = await page.snapshot();
          return { state: snap.state, leftReason: snap.leftReason };
        }, { message: `${page.name} leaves the deleted stage`, timeout: 5_000 })
        .toEqual({ state: 'disconnected', leftReason: 'stage-deleted' });
      const snap = await page.snapshot();
      expect(snap.events.filter((e) => e.type === 'left').map((e) => e.detail['reason']), `${page.name}: one left event`).toEqual(['stage-deleted']);
      expect(snap.liveTracks, `${page.name}: no live track is left`).toBe(0);
      expect(snap.tiles, `${page.name}: the grid is empty`).toEqual([]);
      expect(snap.peerConnectionsOpen, `${page.name}: no peer connection is left open`).toBe(0);
    }
  });

  test('DisconnectParticipant makes that participant leave with reason "kicked"; the others stay', async ({ stage, openHarness }) => {
    const hostToken = await stage.token({ userId: 'host' });
    const host = await openHarness('host');
    await host.joinWithGrid({ token: hostToken.token, publish: true });
    const viewerToken = await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] });
    const viewer = await openHarness('viewer');
    await viewer.joinWithGrid({ token: viewerToken.token, publish: false });
    await viewer.expectMediaFlowing(hostToken.participantId, { frames: 3, packets: 5 });

    await stage.disconnect(viewerToken.participantId, 'e2e test');

    await expect
      .poll(async () => {
        const snap = await viewer.snapshot();
        return { state: snap.state, leftReason: snap.leftReason };
      }, { message: 'the viewer is disconnected', timeout: 5_000 })
      .toEqual({ state: 'disconnected', leftReason: 'kicked' });
    const snap = await viewer.snapshot();
    expect(snap.tiles, 'the kicked viewer\'s grid is empty').toEqual([]);
    expect(snap.peerConnectionsOpen, 'the kicked viewer has no peer connection left').toBe(0);
    expect(snap.liveTracks, 'the kicked viewer has no live track left').toBe(0);

    await expect
      .poll(async () => (await host.snapshot()).participants.map((p) => p.id), { message: 'the host sees the viewer go', timeout: 5_000 })
      .not.toContain(viewerToken.participantId);
    const hostSnap = await host.snapshot();
    expect(hostSnap.state, 'the host stays connected').toBe('connected');
    expect(hostSnap.leftReason, 'the host did not leave').toBeUndefined();
  });
});

test.describe('promotion', () => {
  test('a viewer promoted with exchangeToken publishes without reconnecting, and the host receives its media', async ({ stage, openHarness }) => {
    const hostToken = await stage.token({ userId: 'host' });
    const host = await openHarness('host');
    await host.joinWithGrid({ token: hostToken.token, publish: true });
    // Both tokens are self-signed with a key imported into the stage's account (ImportPublicKey),
    // so the promoted one keeps the viewer's participant id (jti).
    const viewerToken = await stage.selfSignedToken({ userId: 'guest', capabilities: ['SUBSCRIBE'] });
    const guest = await openHarness('guest');
    await guest.joinWithGrid({ token: viewerToken.token, publish: false });
    await guest.expectMediaFlowing(hostToken.participantId, { frames: 3, packets: 5 });
    const before = await guest.snapshot();
    expect(before.webSocketsOpen, 'one events socket while watching').toBe(1);

    // Still a viewer: publishing is refused.
    expect(failure(await guest.setPublishing(true), 'setPublishing before promotion')).toMatchObject({ name: 'TokenError', reason: 'not-allowed' });

    const promoted = await stage.selfSignedToken({ userId: 'guest', participantId: viewerToken.participantId, capabilities: ['PUBLISH', 'SUBSCRIBE'] });
    expectOk(await guest.exchangeToken(promoted.token), 'exchangeToken(promoted)');
    expectOk(await guest.setPublishing(true), 'setPublishing(true) after promotion');

    await expect
      .poll(async () => (await host.participant(viewerToken.participantId))?.isPublishing, { message: 'the host sees the guest publishing', timeout: 10_000 })
      .toBe(true);
    expect((await host.participant(viewerToken.participantId))?.capabilities, 'the host sees the new capabilities').toEqual({ publish: true, subscribe: true });
    await host.expectMediaFlowing(viewerToken.participantId);

    const after = await guest.snapshot();
    expect(after.webSocketsCreated, 'the events socket was not reopened').toBe(before.webSocketsCreated);
    expect(after.webSocketsOpen, 'still exactly one events socket').toBe(1);
    expect(
      after.events.filter((e) => e.type === 'stateChanged').map((e) => e.detail['state']),
      'the guest connected once and never reconnected',
    ).toEqual(['connecting', 'connected']);
    expect(after.publishing, 'the guest is publishing').toBe(true);
    // The guest still watches the host while publishing.
    await guest.expectMediaFlowing(hostToken.participantId, { frames: 5, packets: 10 });
  });
});

test.describe('publishing and tokens over a session\'s life', () => {
  test('a host that stops publishing loses its video on the viewers, and its media flows again when it republishes', async ({ stage, openHarness }) => {
    const hostToken = await stage.token({ userId: 'host' });
    const host = await openHarness('host');
    await host.joinWithGrid({ token: hostToken.token, publish: true });
    const viewer = await openHarness('viewer');
    await viewer.joinWithGrid({ token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, publish: false });
    await viewer.expectMediaFlowing(hostToken.participantId, { frames: 3, packets: 5 });

    expectOk(await host.setPublishing(false), 'setPublishing(false)');
    expect((await host.snapshot()).liveTracks, 'the host stopped its camera and microphone').toBe(0);
    await expect
      .poll(async () => {
        const p = await viewer.participant(hostToken.participantId);
        const tile = await viewer.tile(hostToken.participantId);
        return { listed: p !== undefined, isPublishing: p?.isPublishing, hasVideo: p?.videoTrackId !== undefined, cameraOffShown: tile?.cameraOffShown };
      }, { message: 'the viewer shows the host without media', timeout: 5_000 })
      .toEqual({ listed: true, isPublishing: false, hasVideo: false, cameraOffShown: true });

    expectOk(await host.setPublishing(true), 'setPublishing(true)');
    await expect
      .poll(async () => (await viewer.participant(hostToken.participantId))?.isPublishing, { message: 'the viewer sees the host publishing again', timeout: 10_000 })
      .toBe(true);
    await viewer.expectMediaFlowing(hostToken.participantId);
    expect((await viewer.snapshot()).state, 'the viewer stayed connected throughout').toBe('connected');
  });

  test('joining with a token already in use makes the first session leave with reason "token-reused"', async ({ stage, openHarness }) => {
    const shared = await stage.token({ userId: 'twice', capabilities: ['SUBSCRIBE'] });
    const first = await openHarness('first');
    await first.joinWithGrid({ token: shared.token, publish: false });
    const second = await openHarness('second');
    await second.joinWithGrid({ token: shared.token, publish: false });

    await expect
      .poll(async () => {
        const snap = await first.snapshot();
        return { state: snap.state, leftReason: snap.leftReason };
      }, { message: 'the first session is pushed out', timeout: 5_000 })
      .toEqual({ state: 'disconnected', leftReason: 'token-reused' });
    const snap = await second.snapshot();
    expect(snap.state, 'the second session is connected').toBe('connected');
    expect(snap.participants.filter((p) => p.isLocal).map((p) => p.id), 'the second session is the participant').toEqual([shared.participantId]);
  });
});
