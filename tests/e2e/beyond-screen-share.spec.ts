/**
 * Screen share as IVS models it: a second participant with its own token, marked as the screen of
 * its owner, shown as its own tile; the browser's "Stop sharing" button ends it.
 */
import { CreateParticipantTokenCommand } from '@aws-sdk/client-ivs-realtime';
import { Beyond, expect, ok, test } from './beyond-fixtures';

test('sharing the screen adds a tile marked as the sharer’s screen for everyone; the browser’s stop button and stop() end it', async ({ stage, control, openHarness }) => {
  const sharer = new Beyond(await openHarness('sharer'));
  const viewer = new Beyond(await openHarness('viewer'));
  await sharer.join({ token: (await stage.token({ userId: 'ana' })).token, publish: true, speaker: false, quality: false });
  await viewer.join({ token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, publish: false, speaker: false, quality: false });
  const ownerId = await sharer.localId();
  const screenToken = async () =>
    (await control.send(new CreateParticipantTokenCommand({ stageArn: stage.arn, userId: 'ana-screen', capabilities: ['PUBLISH'], attributes: { screenShareOf: ownerId } })))
      .participantToken!.token!;

  for (const ending of ['browser', 'user'] as const) {
    const started = ok<{ participantId: string; request: { attributes: Record<string, string>; ownerParticipantId: string } }>(
      await sharer.page.evaluate((t) => window.harnessBeyond.startShare(t), await screenToken()),
      'startShare',
    );
    expect(started.request).toMatchObject({ ownerParticipantId: ownerId, attributes: { screenShareOf: ownerId } });
    const screenId = started.participantId;
    expect(screenId).not.toBe(ownerId);

    // Everyone (the sharer's own camera session too) sees the screen as its own tile, marked as ana's screen.
    for (const page of [viewer, sharer]) {
      await expect.poll(async () => (await page.state()).tiles.some((t) => t.participantId === screenId), { timeout: 10_000 }).toBe(true);
      expect((await page.state()).participants.find((p) => p.id === screenId)?.attributes).toMatchObject({ screenShareOf: ownerId });
    }
    await viewer.expectReceiving(screenId, 15_000, { audio: false });
    await viewer.expectReceiving(ownerId); // The camera keeps flowing next to the screen.

    if (ending === 'browser') expect(await sharer.page.evaluate(() => window.harnessBeyond.pressBrowserStopSharing())).toBe(true);
    else ok(await sharer.page.evaluate(() => window.harnessBeyond.stopShare()), 'stopShare');
    await expect.poll(async () => (await sharer.state()).events.filter((e) => e.type === 'shareEnded').map((e) => e.detail['reason']).at(-1), { timeout: 5_000 }).toBe(ending);
    await expect.poll(async () => (await viewer.state()).tiles.some((t) => t.participantId === screenId), { timeout: 10_000 }).toBe(false);
    expect((await sharer.state()).participants.some((p) => p.id === ownerId)).toBe(true);
  }
  await viewer.dispose();
  await sharer.dispose();
});
