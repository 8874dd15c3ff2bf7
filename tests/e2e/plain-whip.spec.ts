/**
 * Plain WHIP publishing into ivs-local as Amazon IVS accepts it (OBS, ffmpeg, GStreamer): a page with
 * no project code runs a minimal RFC 9725 client (below) with a participant token minted by the AWS
 * SDK; a StageSession viewer (the harness page) renders the publisher in its StageGrid.
 */
import { GetStageCommand, ListParticipantsCommand } from '@aws-sdk/client-ivs-realtime';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test, type HarnessPage, type TestStage } from './fixtures';

type VideoChoice = 'H264' | 'VP8' | 'none';
interface WhipResult {
  status: number;
  body: string;
  location?: string;
}

let blankServer: Server | undefined;
test.afterAll(() => new Promise<void>((resolve) => (blankServer ? blankServer.close(() => resolve()) : resolve())));

/**
 * A page of its own origin (served from 127.0.0.1: a secure context on the local network, as the
 * harness) whose only code is what the test evaluates in it.
 */
async function blankPage(context: BrowserContext): Promise<Page> {
  if (!blankServer) {
    blankServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>WHIP client</title>'));
    await new Promise<void>((resolve) => blankServer!.listen(0, '127.0.0.1', resolve));
  }
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${(blankServer.address() as AddressInfo).port}/`);
  return page;
}

/**
 * An RFC 9725 WHIP client: capture the fake camera and microphone, offer them sendonly (video
 * restricted to `video`), wait for ICE gathering (no trickle), POST the offer with the Bearer token
 * (fetch follows a 307 with method, body and headers), apply the answer. `connect: false` stops
 * after the POST (the session never connects).
 */
function whipPublish(page: Page, url: string, token: string, video: VideoChoice, connect = true): Promise<WhipResult> {
  return page.evaluate(
    async ({ url, token, video, connect }) => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: video !== 'none' });
      const pc = new RTCPeerConnection({ iceServers: [] });
      for (const track of stream.getTracks()) {
        const transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
        if (track.kind === 'video') {
          const codecs = RTCRtpSender.getCapabilities('video')!.codecs.filter((c) => c.mimeType === `video/${video}`);
          transceiver.setCodecPreferences(codecs);
        }
      }
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
        setTimeout(resolve, 2000);
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
        body: pc.localDescription!.sdp,
      });
      const body = await response.text();
      if (response.status !== 201) {
        pc.close();
        stream.getTracks().forEach((t) => t.stop());
        return { status: response.status, body };
      }
      const location = new URL(response.headers.get('location')!, response.url).href;
      if (connect) await pc.setRemoteDescription({ type: 'answer', sdp: body });
      const sessions = ((window as unknown as { whip?: unknown[] }).whip ??= []);
      sessions.push({ pc, stream, location, token });
      return { status: 201, body, location };
    },
    { url, token, video, connect },
  );
}

/** Ends a WHIP session the RFC 9725 way: DELETE on its Location, then close the peer connection. */
function whipStop(page: Page, location: string): Promise<number> {
  return page.evaluate(async (location) => {
    const sessions = (window as unknown as { whip: Array<{ pc: RTCPeerConnection; stream: MediaStream; location: string; token: string }> }).whip;
    const session = sessions.find((s) => s.location === location)!;
    const response = await fetch(location, { method: 'DELETE', headers: { authorization: `Bearer ${session.token}` } });
    session.pc.close();
    session.stream.getTracks().forEach((t) => t.stop());
    return response.status;
  }, location);
}

async function whipUrl(stage: TestStage): Promise<string> {
  const { stage: s } = await stage.client.send(new GetStageCommand({ arn: stage.arn }));
  return s!.endpoints!.whip!;
}

async function viewerOf(stage: TestStage, openHarness: (name: string) => Promise<HarnessPage>): Promise<HarnessPage> {
  const viewer = await openHarness('viewer');
  await viewer.joinWithGrid({ token: (await stage.token({ userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token, publish: false });
  return viewer;
}

test.describe('plain WHIP publishing (no project code in the publisher page)', () => {
  test('an RFC 9725 client publishes H.264 + Opus; a StageSession viewer renders it; DELETE removes its tile within 5 s', async ({ stage, openHarness, context }) => {
    const viewer = await viewerOf(stage, openHarness);
    const publisher = await stage.token({ userId: 'obs' });
    const client = await blankPage(context);
    const result = await whipPublish(client, await whipUrl(stage), publisher.token, 'H264');
    expect(result.status, result.body).toBe(201);

    await viewer.expectMediaFlowing(publisher.participantId);
    expect(await viewer.participant(publisher.participantId)).toMatchObject({ userId: 'obs', isPublishing: true });
    const { stage: live } = await stage.client.send(new GetStageCommand({ arn: stage.arn }));
    const listed = await stage.client.send(new ListParticipantsCommand({ stageArn: stage.arn, sessionId: live!.activeSessionId!, filterByUserId: 'obs' }));
    expect(listed.participants?.[0]).toMatchObject({ participantId: publisher.participantId, state: 'CONNECTED', published: true });

    const deletedAt = Date.now();
    expect(await whipStop(client, result.location!)).toBe(200);
    await expect.poll(async () => (await viewer.tile(publisher.participantId)) === undefined, { timeout: 5_000 }).toBe(true);
    console.log(`plain WHIP: tile removed ${Date.now() - deletedAt} ms after DELETE`);
    expect(await viewer.participant(publisher.participantId)).toBeUndefined();
  });

  test("a client that follows the global endpoint's 307 publishes too", async ({ stage, openHarness, context }) => {
    const viewer = await viewerOf(stage, openHarness);
    const publisher = await stage.token({ userId: 'via-global' });
    const client = await blankPage(context);
    const globalEndpoint = `${new URL(await whipUrl(stage)).origin}/whip`;
    const result = await whipPublish(client, globalEndpoint, publisher.token, 'H264');
    expect(result.status, result.body).toBe(201);
    expect(result.location).toContain(`/stage/${stage.arn.split('/').pop()}/whip/`);
    await viewer.expectMediaFlowing(publisher.participantId, { frames: 3, packets: 5 });
  });

  test("VP8-only and audio-without-video offers get IVS's H.264 rule", async ({ stage, context }) => {
    const client = await blankPage(context);
    const url = await whipUrl(stage);
    const vp8 = await whipPublish(client, url, (await stage.token({ userId: 'vp8' })).token, 'VP8');
    expect(vp8.status).toBe(406);
    expect(JSON.parse(vp8.body)).toMatchObject({ code: 'codec-mismatch', message: expect.stringMatching(/H\.264/) });
    const audio = await whipPublish(client, url, (await stage.token({ userId: 'audio' })).token, 'none');
    expect(audio.status).toBe(406);
    expect(JSON.parse(audio.body)).toMatchObject({ code: 'codec-mismatch', message: expect.stringMatching(/even to publish audio only/) });
  });

  test('the 13th publisher is refused with 409 stage-at-capacity', async ({ stage, context }) => {
    const client = await blankPage(context);
    const url = await whipUrl(stage);
    for (let i = 1; i <= 12; i++) {
      const result = await whipPublish(client, url, (await stage.token({ userId: `p${i}` })).token, 'H264', false);
      expect(result.status, `publisher ${i}: ${result.body}`).toBe(201);
    }
    const thirteenth = await whipPublish(client, url, (await stage.token({ userId: 'p13' })).token, 'H264', false);
    expect(thirteenth.status).toBe(409);
    expect(JSON.parse(thirteenth.body)).toMatchObject({ code: 'stage-at-capacity' });
  });
});
