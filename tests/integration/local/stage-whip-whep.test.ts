/**
 * WHIP/WHEP authorization and negotiation against a real ivs-local, with tokens minted through the
 * real IVSRealTimeClient. Offers come from werift's RTCPeerConnection.createOffer() without
 * setLocalDescription: no ICE candidates are gathered and no media moves (media tests run in a
 * network namespace, see tests/e2e).
 */
import {
  CreateParticipantTokenCommand,
  CreateStageCommand,
  type ParticipantTokenCapability,
} from '@aws-sdk/client-ivs-realtime';
import { RTCPeerConnection, RTCRtpCodecParameters, useOPUS, useVP8 } from 'werift';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStageMediaModule } from '../../../packages/ivs-local/src/stage-media';
import type { LocalStageHttpError, ServerFrame } from '../../../src/local-stage/protocol';
import { startEmulator, stopEmulator, type Emulator } from './helpers';

let emulator: Emulator | undefined;
let clockOffsetMs = 0;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await stopEmulator(emulator);
  emulator = undefined;
  clockOffsetMs = 0;
});

async function start(): Promise<{ e: Emulator; stageArn: string; stageId: string }> {
  emulator = await startEmulator({
    modules: [(context) => createStageMediaModule(context.hub, { now: () => new Date(Date.now() + clockOffsetMs) })],
  });
  const { stage } = await emulator.realtime.send(new CreateStageCommand({ name: 'whip-test' }));
  return { e: emulator, stageArn: stage!.arn!, stageId: stage!.arn!.split('/').pop()! };
}

async function mint(e: Emulator, stageArn: string, capabilities: ParticipantTokenCapability[] = ['PUBLISH', 'SUBSCRIBE'], duration = 60) {
  const { participantToken } = await e.realtime.send(new CreateParticipantTokenCommand({ stageArn, capabilities, duration }));
  return { token: participantToken!.token!, participantId: participantToken!.participantId! };
}

async function joinSocket(e: Emulator, stageId: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${e.ivs.wsUrl}/stage/${stageId}/events`);
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => ws.send(JSON.stringify({ type: 'join', token })));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.type === 'welcome') resolve();
      if (frame.type === 'error') reject(new Error(frame.message));
    });
    ws.once('error', reject);
  });
  return ws;
}

/** An SDP offer as a browser publisher (sendonly) or viewer (recvonly) would send, without candidates. */
async function offer(direction: 'sendonly' | 'recvonly', video: RTCRtpCodecParameters[] = [useVP8()]): Promise<string> {
  const pc = new RTCPeerConnection({ iceServers: [], codecs: { audio: [useOPUS()], video } });
  pc.addTransceiver('audio', { direction });
  pc.addTransceiver('video', { direction });
  const { sdp } = await pc.createOffer();
  await pc.close();
  return sdp;
}

function post(e: Emulator, path: string, body: string, token?: string, contentType = 'application/sdp'): Promise<Response> {
  return fetch(`${e.ivs.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body,
  });
}

async function errorOf(response: Response): Promise<LocalStageHttpError> {
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  return (await response.json()) as LocalStageHttpError;
}

describe('WHIP publish endpoint', () => {
  it('answers a joined publisher with 201, an SDP answer narrowed to one codec, and a Location', async () => {
    const { e, stageArn, stageId } = await start();
    const alice = await mint(e, stageArn);
    await joinSocket(e, stageId, alice.token);
    const h264 = new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, parameters: 'profile-level-id=42e01f;packetization-mode=1' });
    const response = await post(e, `/stage/${stageId}/whip`, await offer('sendonly', [useVP8(), h264]), alice.token);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/sdp');
    const location = response.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/stage/${stageId}/whip/[0-9a-f-]{36}$`));
    const answer = await response.text();
    const video = answer.slice(answer.indexOf('m=video'));
    expect(video.match(/^a=rtpmap:/gm)).toHaveLength(1);
    expect(video).toMatch(/a=rtpmap:\d+ VP8\/90000/);
    expect(video).toMatch(/x-google-start-bitrate=1500/);
    expect(answer).toMatch(/a=candidate:.* 127\.0\.0\.1 \d+ typ host/);
    expect(answer).not.toMatch(/a=candidate:(?!.* 127\.0\.0\.1 )/);

    // PATCH (trickle / ICE restart) is refused; DELETE ends the session; a second DELETE is 404.
    const patch = await fetch(`${e.ivs.url}${location}`, { method: 'PATCH', headers: { authorization: `Bearer ${alice.token}` } });
    expect(patch.status).toBe(405);
    expect((await errorOf(patch)).message).toMatch(/Trickle ICE/);
    const del = await fetch(`${e.ivs.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${alice.token}` } });
    expect(del.status).toBe(200);
    const again = await fetch(`${e.ivs.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${alice.token}` } });
    expect(again.status).toBe(404);
  });

  it('refuses a request without a Bearer token with 401 and WWW-Authenticate', async () => {
    const { e, stageId } = await start();
    const response = await post(e, `/stage/${stageId}/whip`, await offer('sendonly'));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await errorOf(response)).code).toBe('token-malformed');
  });

  it('refuses a forged token with 401 token-forged', async () => {
    const { e, stageArn, stageId } = await start();
    const { token } = await mint(e, stageArn);
    const [h, c, s] = token.split('.');
    const forged = `${h}.${c}.${s!.slice(0, -4)}AAAA`;
    const response = await post(e, `/stage/${stageId}/whip`, await offer('sendonly'), forged);
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('token-forged');
  });

  it('refuses an expired token with 401 token-expired', async () => {
    const { e, stageArn, stageId } = await start();
    const { token } = await mint(e, stageArn, ['PUBLISH', 'SUBSCRIBE'], 1);
    clockOffsetMs = 5 * 60_000;
    const response = await post(e, `/stage/${stageId}/whip`, await offer('sendonly'), token);
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('token-expired');
  });

  it('refuses a token without PUBLISH with 403 capability-missing, joined or not', async () => {
    const { e, stageArn, stageId } = await start();
    const viewer = await mint(e, stageArn, ['SUBSCRIBE']);
    const before = await post(e, `/stage/${stageId}/whip`, await offer('sendonly'), viewer.token);
    expect(before.status).toBe(403);
    await joinSocket(e, stageId, viewer.token);
    const response = await post(e, `/stage/${stageId}/whip`, await offer('sendonly'), viewer.token);
    expect(response.status).toBe(403);
    const body = await errorOf(response);
    expect(body.code).toBe('capability-missing');
    expect(body.message).toMatch(/PUBLISH/);
  });

  it('takes a participant that has not joined through the events socket as a plain WHIP publisher (H.264 required)', async () => {
    const { e, stageArn, stageId } = await start();
    const { token } = await mint(e, stageArn);
    const response = await post(e, `/stage/${stageId}/whip`, await offer('sendonly'), token);
    expect(response.status).toBe(406);
    expect((await errorOf(response)).message).toMatch(/H\.264/);
  });

  it('refuses a body that is not application/sdp with 415, and an unparsable offer with 400', async () => {
    const { e, stageArn, stageId } = await start();
    const { token } = await mint(e, stageArn);
    await joinSocket(e, stageId, token);
    const wrongType = await post(e, `/stage/${stageId}/whip`, '{}', token, 'application/json');
    expect(wrongType.status).toBe(415);
    expect((await errorOf(wrongType)).code).toBe('unsupported-media-type');
    const garbage = await post(e, `/stage/${stageId}/whip`, 'hello', token);
    expect(garbage.status).toBe(400);
    expect((await errorOf(garbage)).code).toBe('bad-request');
    const viewerOffer = await post(e, `/stage/${stageId}/whip`, await offer('recvonly'), token);
    expect(viewerOffer.status).toBe(400);
    expect((await errorOf(viewerOffer)).message).toMatch(/sendonly/);
  });

  it('refuses an offer without a forwardable codec with 406 codec-mismatch', async () => {
    const { e, stageArn, stageId } = await start();
    const { token } = await mint(e, stageArn);
    await joinSocket(e, stageId, token);
    const vp9 = new RTCRtpCodecParameters({ mimeType: 'video/VP9', clockRate: 90000 });
    const response = await post(e, `/stage/${stageId}/whip`, await offer('sendonly', [vp9]), token);
    expect(response.status).toBe(406);
    expect((await errorOf(response)).message).toMatch(/VP9/);
  });

  it('refuses the 13th publisher of a stage with 409 stage-at-capacity', async () => {
    const { e, stageArn, stageId } = await start();
    const sdp = await offer('sendonly');
    const publishers = await Promise.all(Array.from({ length: 13 }, () => mint(e, stageArn)));
    for (const p of publishers) await joinSocket(e, stageId, p.token);
    for (const p of publishers.slice(0, 12)) {
      const response = await post(e, `/stage/${stageId}/whip`, sdp, p.token);
      expect(response.status).toBe(201);
      await response.text();
    }
    const thirteenth = await post(e, `/stage/${stageId}/whip`, sdp, publishers[12]!.token);
    expect(thirteenth.status).toBe(409);
    const body = await errorOf(thirteenth);
    expect(body.code).toBe('stage-at-capacity');
    expect(body.message).toMatch(/12 publishers/);
    // A publisher publishing again replaces its own session and is not counted twice.
    const republish = await post(e, `/stage/${stageId}/whip`, sdp, publishers[0]!.token);
    expect(republish.status).toBe(201);
  });

  it('answers preflight requests with CORS headers that expose Location', async () => {
    const { e, stageId } = await start();
    const response = await fetch(`${e.ivs.url}/stage/${stageId}/whip`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/location/i);
  });
});

describe('WHEP subscribe endpoint', () => {
  it('refuses a token without SUBSCRIBE with 403', async () => {
    const { e, stageArn, stageId } = await start();
    const publisher = await mint(e, stageArn, ['PUBLISH']);
    await joinSocket(e, stageId, publisher.token);
    const other = await mint(e, stageArn);
    const response = await post(e, `/stage/${stageId}/whep/${other.participantId}`, await offer('recvonly'), publisher.token);
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('capability-missing');
  });

  it('answers 404 publisher-not-found for an unknown or not-yet-connected publisher', async () => {
    const { e, stageArn, stageId } = await start();
    const viewer = await mint(e, stageArn, ['SUBSCRIBE']);
    await joinSocket(e, stageId, viewer.token);
    const unknown = await post(e, `/stage/${stageId}/whep/nobody`, await offer('recvonly'), viewer.token);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('publisher-not-found');

    // A publisher whose WHIP session has not connected yet has nothing to forward.
    const alice = await mint(e, stageArn);
    await joinSocket(e, stageId, alice.token);
    expect((await post(e, `/stage/${stageId}/whip`, await offer('sendonly'), alice.token)).status).toBe(201);
    const pending = await post(e, `/stage/${stageId}/whep/${alice.participantId}`, await offer('recvonly'), viewer.token);
    expect(pending.status).toBe(404);
  });

  it('refuses a forged token with 401 before looking at the publisher', async () => {
    const { e, stageArn, stageId } = await start();
    const { token } = await mint(e, stageArn);
    const response = await post(e, `/stage/${stageId}/whep/whoever`, await offer('recvonly'), `${token.slice(0, -4)}AAAA`);
    expect(response.status).toBe(401);
  });

  it('answers unknown stage paths with 404 JSON and the events path over plain HTTP with 426', async () => {
    const { e, stageId } = await start();
    const unknown = await fetch(`${e.ivs.url}/stage/${stageId}/nothing-here`);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('not-found');
    const events = await fetch(`${e.ivs.url}/stage/${stageId}/events`);
    expect(events.status).toBe(426);
  });
});
