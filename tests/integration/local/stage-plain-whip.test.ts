/**
 * Plain WHIP publishing, as Amazon IVS accepts it from OBS, ffmpeg, GStreamer or a hardware
 * encoder: a participant token as the Bearer token, no events socket. Signalling only here (no ICE:
 * the offers carry no candidates); media through plain WHIP is covered by the bots and the e2e
 * suite inside a network namespace.
 */
import {
  DeleteStageCommand,
  DisconnectParticipantCommand,
  GetStageCommand,
  ListParticipantEventsCommand,
  ListParticipantsCommand,
} from '@aws-sdk/client-ivs-realtime';
import { useVP8 } from 'werift';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from './helpers';
import { createStage, errorOf, H264, joinStage, mint, offer, post, StageTestEnv } from './stage-helpers';

const env = new StageTestEnv();
afterEach(() => env.stop());

async function sessionOf(e: Emulator, stageArn: string): Promise<string> {
  const { stage } = await e.realtime.send(new GetStageCommand({ arn: stageArn }));
  return stage!.activeSessionId!;
}

describe('plain WHIP publishing (no events socket)', () => {
  it('answers 201 with an H.264 answer and a Location; the publisher joins the stage for the others and the control plane', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const viewer = await joinStage(env, stage.id, (await mint(e, stage.arn, { userId: 'viewer', capabilities: ['SUBSCRIBE'] })).token);
    const obs = await mint(e, stage.arn, { userId: 'obs', attributes: { displayName: 'OBS Studio' } });

    // VP8 first, H.264 second: a plain WHIP publisher is narrowed to H.264 as IVS ingests it.
    const response = await post(e, `/stage/${stage.id}/whip`, await offer('sendonly', [useVP8(), H264()]), obs.token);
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toMatch(new RegExp(`^/stage/${stage.id}/whip/[0-9a-f-]{36}$`));
    const video = (await response.text()).split('m=video')[1]!;
    expect(video.match(/^a=rtpmap:/gm)).toHaveLength(1);
    expect(video).toMatch(/a=rtpmap:\d+ H264\/90000/);

    const joined = await viewer.next('participantJoined', (f) => f.participant.id === obs.participantId);
    expect(joined.participant).toMatchObject({ userId: 'obs', attributes: { displayName: 'OBS Studio' }, published: false });
    const sessionId = await sessionOf(e, stage.arn);
    const { participants } = await e.realtime.send(new ListParticipantsCommand({ stageArn: stage.arn, sessionId, filterByUserId: 'obs' }));
    expect(participants?.map((p) => [p.participantId, p.state])).toEqual([[obs.participantId, 'CONNECTED']]);

    // A participant joining later sees it in its welcome.
    const late = await joinStage(env, stage.id, (await mint(e, stage.arn, { capabilities: ['SUBSCRIBE'] })).token);
    const welcome = await late.next('welcome');
    expect(welcome.participants.map((p) => p.id)).toContain(obs.participantId);
  });

  it('DELETE on the Location removes the participant: participantLeft for the others, LEFT in the control plane', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const viewer = await joinStage(env, stage.id, (await mint(e, stage.arn, { capabilities: ['SUBSCRIBE'] })).token);
    const obs = await mint(e, stage.arn, { userId: 'obs' });
    const response = await post(e, `/stage/${stage.id}/whip`, await offer('sendonly', [H264()]), obs.token);
    expect(response.status).toBe(201);
    const location = response.headers.get('location')!;
    const sessionId = await sessionOf(e, stage.arn);

    const del = await fetch(`${e.ivs.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${obs.token}` } });
    expect(del.status).toBe(200);
    const left = await viewer.next('participantLeft', (f) => f.participantId === obs.participantId);
    expect(left.reason).toBe('user');
    const { events } = await e.realtime.send(new ListParticipantEventsCommand({ stageArn: stage.arn, sessionId, participantId: obs.participantId }));
    expect(events?.map((ev) => ev.name)).toEqual(['JOINED', 'LEFT']);
    const again = await fetch(`${e.ivs.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${obs.token}` } });
    expect(again.status).toBe(404);
  });

  it("refuses offers without H.264 video with IVS's rule: VP8 only, and audio without video", async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const { token } = await mint(e, stage.arn);
    const vp8 = await post(e, `/stage/${stage.id}/whip`, await offer('sendonly', [useVP8()]), token);
    expect(vp8.status).toBe(406);
    const vp8Body = await errorOf(vp8);
    expect(vp8Body.code).toBe('codec-mismatch');
    expect(vp8Body.message).toMatch(/H\.264/);
    expect(vp8Body.message).toMatch(/VP8/);
    const audioOnly = await post(e, `/stage/${stage.id}/whip`, await offer('sendonly', null), token);
    expect(audioOnly.status).toBe(406);
    expect((await errorOf(audioOnly)).message).toMatch(/H\.264 video track.*even to publish audio only/);
  });

  it('applies the token checks: no PUBLISH → 403, another stage → 403, forged → 401', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const other = await createStage(e, 'other');
    const sdp = await offer('sendonly', [H264()]);
    const viewer = await mint(e, stage.arn, { capabilities: ['SUBSCRIBE'] });
    const noPublish = await post(e, `/stage/${stage.id}/whip`, sdp, viewer.token);
    expect(noPublish.status).toBe(403);
    expect((await errorOf(noPublish)).code).toBe('capability-missing');
    const wrongStage = await post(e, `/stage/${other.id}/whip`, sdp, (await mint(e, stage.arn)).token);
    expect(wrongStage.status).toBe(403);
    expect((await errorOf(wrongStage)).code).toBe('token-wrong-stage');
    const { token } = await mint(e, stage.arn);
    const forged = await post(e, `/stage/${stage.id}/whip`, sdp, `${token.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
  });

  it('counts plain WHIP publishers in the 12-publisher cap, together with SDK publishers', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const sdp = await offer('sendonly', [H264()]);
    const sdk = await mint(e, stage.arn);
    await joinStage(env, stage.id, sdk.token);
    expect((await post(e, `/stage/${stage.id}/whip`, sdp, sdk.token)).status).toBe(201);
    for (let i = 0; i < 11; i++) {
      const response = await post(e, `/stage/${stage.id}/whip`, sdp, (await mint(e, stage.arn)).token);
      expect(response.status).toBe(201);
      await response.text();
    }
    const thirteenth = await post(e, `/stage/${stage.id}/whip`, sdp, (await mint(e, stage.arn)).token);
    expect(thirteenth.status).toBe(409);
    expect((await errorOf(thirteenth)).code).toBe('stage-at-capacity');
  });

  it('DisconnectParticipant ends a plain WHIP publisher, and its token can no longer publish', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const viewer = await joinStage(env, stage.id, (await mint(e, stage.arn, { capabilities: ['SUBSCRIBE'] })).token);
    const obs = await mint(e, stage.arn);
    const sdp = await offer('sendonly', [H264()]);
    expect((await post(e, `/stage/${stage.id}/whip`, sdp, obs.token)).status).toBe(201);
    await viewer.next('participantJoined', (f) => f.participant.id === obs.participantId);
    await e.realtime.send(new DisconnectParticipantCommand({ stageArn: stage.arn, participantId: obs.participantId, reason: 'bye' }));
    const left = await viewer.next('participantLeft', (f) => f.participantId === obs.participantId);
    expect(left.reason).toBe('participant-disconnected');
    const again = await post(e, `/stage/${stage.id}/whip`, sdp, obs.token);
    expect(again.status).toBe(403);
    expect((await errorOf(again)).code).toBe('participant-disconnected');
  });

  it('DeleteStage ends a plain WHIP publisher', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const obs = await mint(e, stage.arn);
    const response = await post(e, `/stage/${stage.id}/whip`, await offer('sendonly', [H264()]), obs.token);
    const location = response.headers.get('location')!;
    await e.realtime.send(new DeleteStageCommand({ arn: stage.arn }));
    const del = await fetch(`${e.ivs.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${obs.token}` } });
    // The stage is gone: the token no longer verifies.
    expect(del.status).toBe(404);
    expect((await errorOf(del)).code).toBe('stage-not-found');
  });

  it('removes a plain WHIP publisher when its token expires', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const viewer = await joinStage(env, stage.id, (await mint(e, stage.arn, { capabilities: ['SUBSCRIBE'], duration: 60 })).token);
    const obs = await mint(e, stage.arn, { duration: 1 });
    // 58 s of its 60 are already gone: it expires within 2 s of joining.
    env.clockOffsetMs = 58_000;
    expect((await post(e, `/stage/${stage.id}/whip`, await offer('sendonly', [H264()]), obs.token)).status).toBe(201);
    const left = await viewer.next('participantLeft', (f) => f.participantId === obs.participantId);
    expect(left.reason).toBe('token-expired');
  });

  it('a second POST with the same token replaces the first session (the newest wins)', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const viewer = await joinStage(env, stage.id, (await mint(e, stage.arn, { capabilities: ['SUBSCRIBE'] })).token);
    const obs = await mint(e, stage.arn);
    const sdp = await offer('sendonly', [H264()]);
    const first = await post(e, `/stage/${stage.id}/whip`, sdp, obs.token);
    const second = await post(e, `/stage/${stage.id}/whip`, sdp, obs.token);
    expect(second.status).toBe(201);
    const gone = await fetch(`${e.ivs.url}${first.headers.get('location')!}`, { method: 'DELETE', headers: { authorization: `Bearer ${obs.token}` } });
    expect(gone.status).toBe(404);
    await viewer.next('participantJoined', (f) => f.participant.id === obs.participantId);
    expect(viewer.frames.filter((f) => f.type === 'participantJoined').length).toBeGreaterThanOrEqual(1);
  });

  it('WHEP still needs the events socket (409 not-joined)', async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const { token } = await mint(e, stage.arn);
    const response = await post(e, `/stage/${stage.id}/whep/someone`, await offer('recvonly'), token);
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe('not-joined');
  });
});

describe('global WHIP endpoint', () => {
  it("answers POST /whip with 307 to the token's whip_url; a forged token gets 401", async () => {
    const e = await env.start();
    const stage = await createStage(e);
    const { token } = await mint(e, stage.arn);
    const sdp = await offer('sendonly', [H264()]);
    const redirect = await post(e, '/whip', sdp, token);
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe(`${e.ivs.url}/stage/${stage.id}/whip`);
    // fetch follows a 307 with the same method, body and headers, as WHIP clients must.
    const followed = await fetch(`${e.ivs.url}/whip`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
      body: sdp,
    });
    expect(followed.status).toBe(201);
    expect(followed.url).toBe(`${e.ivs.url}/stage/${stage.id}/whip`);
    const forged = await post(e, '/whip', sdp, `${token.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    const noToken = await post(e, '/whip', sdp);
    expect(noToken.status).toBe(401);
    const get = await fetch(`${e.ivs.url}/whip`);
    expect(get.status).toBe(405);
  });
});
