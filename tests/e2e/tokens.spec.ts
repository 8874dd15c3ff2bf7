/**
 * Participant tokens: what happens with expired, forged and subscribe-only tokens, and promotion
 * of a viewer with exchangeToken.
 */
import { expect, expectOk, failure, test, withClaims, type HarnessPage } from './fixtures';

/** Nothing was captured, connected or rendered in `page`. */
async function expectNoMedia(page: HarnessPage): Promise<void> {
  const snap = await page.snapshot();
  expect(snap.liveTracks, `${page.name}: no camera/microphone track is live`).toBe(0);
  expect(snap.peerConnectionsOpen, `${page.name}: no peer connection is open`).toBe(0);
  expect(snap.tiles.filter((t) => t.videos > 0), `${page.name}: no tile renders video`).toEqual([]);
}

test.describe('participant tokens', () => {
  test('an expired token is refused with TokenError "expired" before any connection, and nothing is captured', async ({ stage, openHarness }) => {
    const minted = await stage.token({ userId: 'late' });
    const expired = withClaims(minted.token, { exp: Math.floor(Date.now() / 1000) - 60 });
    const page = await openHarness('late');
    expectOk(await page.page.evaluate(() => window.harness.mountGrid()), 'mountGrid');

    const error = failure(await page.join({ token: expired, publish: true }), 'join with an expired token');
    expect(error).toMatchObject({ name: 'TokenError', reason: 'expired', code: 'TOKEN_EXPIRED', isIvsRealtimeError: true });
    expect(error.message, 'the message says what to do').toMatch(/mint a new token/i);
    await expectNoMedia(page);
    const snap = await page.snapshot();
    expect(snap.webSocketsCreated, 'no events socket was opened').toBe(0);
    expect(snap.peerConnectionsCreated, 'no peer connection was created').toBe(0);
  });

  test('a forged token is refused by the stage with a typed join error; the page releases its media and nobody sees it', async ({ stage, openHarness }) => {
    const hostToken = await stage.token({ userId: 'host' });
    const host = await openHarness('host');
    await host.joinWithGrid({ token: hostToken.token, publish: true });

    const minted = await stage.token({ userId: 'mallory', capabilities: ['SUBSCRIBE'] });
    // Grants itself PUBLISH: the claims decode, the signature no longer matches.
    const forged = withClaims(minted.token, { capabilities: { allow_publish: true, allow_subscribe: true } });
    const page = await openHarness('mallory');
    expectOk(await page.page.evaluate(() => window.harness.mountGrid()), 'mountGrid');

    const error = failure(await page.join({ token: forged, publish: true }), 'join with a forged token');
    // The claims decode, so the SDK starts joining; ivs-local refuses the signature (`token-forged`,
    // TOKEN_MALFORMED on IVS), and the join fails with a StageError that says so.
    expect(error, `${error.name}: ${error.message}`).toMatchObject({ name: 'StageError', category: 'join', code: 'STAGE_JOIN_FAILED', isIvsRealtimeError: true });
    expect(error.message).toMatch(/TOKEN_MALFORMED \(1\): The participant token's signature was not accepted/);
    await expectNoMedia(page);
    const snap = await page.snapshot();
    expect(snap.state, 'the session is not connected').toBe('disconnected');
    expect(snap.leftReason, 'the failed join ended with reason "error"').toBe('error');

    // The stage never saw the forger. A witness joins after the refusal: the host's events arrive in
    // order, so once it lists the witness, a join of the forger would have been announced before.
    const witnessToken = await stage.token({ userId: 'witness', capabilities: ['SUBSCRIBE'] });
    const witness = await openHarness('witness');
    expectOk(await witness.join({ token: witnessToken.token, publish: false }), 'witness join');
    await expect.poll(async () => (await host.events('participantJoined')).some((e) => e.detail['id'] === witnessToken.participantId)).toBe(true);
    const hostSnap = await host.snapshot();
    expect(hostSnap.participants.map((p) => p.id), 'the host never lists the forger').not.toContain(minted.participantId);
    expect(hostSnap.events.filter((e) => e.type === 'participantJoined' && e.detail['id'] === minted.participantId)).toEqual([]);
  });

  test('a SUBSCRIBE-only token cannot publish: the SDK refuses with TokenError "not-allowed" and the media server refuses WHIP with 403', async ({ stage, openHarness }) => {
    const hostToken = await stage.token({ userId: 'host' });
    const host = await openHarness('host');
    await host.joinWithGrid({ token: hostToken.token, publish: true });
    const viewerToken = await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] });
    const viewer = await openHarness('viewer');
    expectOk(await viewer.page.evaluate(() => window.harness.mountGrid()), 'mountGrid');

    // 1. join({ publish: true }) is refused up front, before anything is captured.
    const joinError = failure(await viewer.join({ token: viewerToken.token, publish: true }), 'join({ publish: true }) with a SUBSCRIBE-only token');
    expect(joinError).toMatchObject({ name: 'TokenError', reason: 'not-allowed', code: 'TOKEN_NOT_ALLOWED' });
    expect((await viewer.snapshot()).liveTracks, 'nothing was captured').toBe(0);

    // 2. Joined as a viewer, setPublishing(true) is refused too.
    expectOk(await viewer.join({ token: viewerToken.token, publish: false }), 'join({ publish: false })');
    await viewer.expectMediaFlowing(hostToken.participantId, { frames: 3, packets: 5 });
    const publishError = failure(await viewer.setPublishing(true), 'setPublishing(true) with a SUBSCRIBE-only token');
    expect(publishError).toMatchObject({ name: 'TokenError', reason: 'not-allowed' });
    expect((await viewer.snapshot()).publishing, 'the viewer is not publishing').toBe(false);

    // 3. Going around the SDK does not help: the media server itself refuses the WHIP offer.
    const probe = await viewer.probeWhipPublish(viewerToken.token);
    expect(probe.status, `WHIP answered ${probe.status}: ${probe.body}`).toBe(403);
    expect(JSON.parse(probe.body)).toMatchObject({ code: 'capability-missing' });

    // The host never receives media from the viewer: it lists the viewer, not publishing, and
    // receives nothing (the refused WHIP offer above never created a publisher).
    await expect.poll(async () => (await host.participant(viewerToken.participantId))?.isPublishing, 'the host lists the viewer, not publishing').toBe(false);
    expect((await host.stats()).inbound, 'the host receives no media at all').toEqual([]);
  });
});
