/**
 * The local stage events WebSocket against a real ivs-local, with tokens minted through the real
 * IVSRealTimeClient. No media moves in these tests.
 */
import {
  DeleteStageCommand,
  DisconnectParticipantCommand,
  GetParticipantCommand,
  GetStageCommand,
  ImportPublicKeyCommand,
  ListParticipantEventsCommand,
  ListParticipantsCommand,
} from '@aws-sdk/client-ivs-realtime';
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StageMediaOptions } from '../../../packages/ivs-local/src/stage-media';
import type { Emulator } from './helpers';
import { createStage, EventsClient, joinStage, mint, StageTestEnv } from './stage-helpers';

const env = new StageTestEnv();

/** The emulator of one test; heartbeats every second unless the test says otherwise. */
function start(options: StageMediaOptions = {}): Promise<Emulator> {
  return env.start({ heartbeatIntervalMs: 1000, ...options });
}

afterEach(() => env.stop());

describe('local stage events socket', () => {
  it('welcomes a joining participant with itself, the roster and its subscriber count', async () => {
    const e = await start();
    const stage = await createStage(e);
    const alice = await mint(e, stage.arn, { userId: 'alice', attributes: { role: 'host' } });
    const bob = await mint(e, stage.arn, { userId: 'bob', capabilities: ['SUBSCRIBE'] });

    const a = await joinStage(env, stage.id, alice.token);
    const welcomeA = await a.next('welcome');
    expect(welcomeA.self).toMatchObject({
      id: alice.participantId,
      userId: 'alice',
      attributes: { role: 'host' },
      capabilities: { publish: true, subscribe: true },
      published: false,
      streams: [],
    });
    expect(welcomeA.participants).toEqual([]);
    expect(welcomeA.subscriberCount).toBe(0);

    const b = await joinStage(env, stage.id, bob.token);
    const welcomeB = await b.next('welcome');
    expect(welcomeB.self).toMatchObject({ id: bob.participantId, capabilities: { publish: false, subscribe: true } });
    expect(welcomeB.participants.map((p) => p.id)).toEqual([alice.participantId]);

    const joined = await a.next('participantJoined');
    expect(joined.participant).toMatchObject({ id: bob.participantId, userId: 'bob' });
  });

  it('refuses a forged token with token-forged and closes with 4001', async () => {
    const e = await start();
    const stage = await createStage(e);
    const { token } = await mint(e, stage.arn);
    const [header, claims, signature] = token.split('.');
    const forged = `${header}.${claims}.${signature!.slice(0, -4)}AAAA`;
    const client = new EventsClient(env, stage.id);
    await client.opened;
    client.send({ type: 'join', token: forged });
    const error = await client.next('error');
    expect(error.code).toBe('token-forged');
    expect(await client.closed).toBe(4001);
  });

  it('refuses an expired token with token-expired', async () => {
    const e = await start();
    const stage = await createStage(e);
    const { token } = await mint(e, stage.arn, { duration: 1 });
    env.clockOffsetMs = 2 * 60_000;
    const client = new EventsClient(env, stage.id);
    await client.opened;
    client.send({ type: 'join', token });
    expect((await client.next('error')).code).toBe('token-expired');
    expect(await client.closed).toBe(4001);
  });

  it('refuses a token minted for another stage', async () => {
    const e = await start();
    const one = await createStage(e);
    const two = await createStage(e);
    const { token } = await mint(e, one.arn);
    const client = new EventsClient(env, two.id);
    await client.opened;
    client.send({ type: 'join', token });
    expect((await client.next('error')).code).toBe('token-wrong-stage');
  });

  it('answers a non-JSON frame with an error frame and keeps the session', async () => {
    const e = await start();
    const stage = await createStage(e);
    const { token } = await mint(e, stage.arn);
    const client = await joinStage(env, stage.id, token);
    client.send('not json');
    expect((await client.next('error')).code).toBe('bad-request');
    client.send({ type: 'teleport' });
    await client.next('error', (f) => f.message.includes('teleport'));
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('handles frames sent right after join, before the welcome, in order', async () => {
    const e = await start();
    const stage = await createStage(e);
    const alice = await mint(e, stage.arn);
    const b = await joinStage(env, stage.id, (await mint(e, stage.arn)).token);
    const a = new EventsClient(env, stage.id);
    await a.opened;
    a.send({ type: 'join', token: alice.token });
    a.send({ type: 'mute', kind: 'audio', muted: true });
    await a.next('welcome');
    expect(await b.next('muteChanged')).toEqual({ type: 'muteChanged', participantId: alice.participantId, kind: 'audio', muted: true });
    expect(a.frames.some((f) => f.type === 'error')).toBe(false);
  });

  it('closes a socket whose first frame is not join', async () => {
    const e = await start();
    const stage = await createStage(e);
    const client = new EventsClient(env, stage.id);
    await client.opened;
    client.send({ type: 'mute', kind: 'audio', muted: true });
    expect((await client.next('error')).code).toBe('bad-request');
    expect(await client.closed).toBe(4002);
  });

  it('a second join with the same token ends the first with token-reused', async () => {
    const e = await start();
    const stage = await createStage(e);
    const alice = await mint(e, stage.arn);
    const bob = await mint(e, stage.arn);
    const first = await joinStage(env, stage.id, alice.token);
    const watcher = await joinStage(env, stage.id, bob.token);
    const second = await joinStage(env, stage.id, alice.token);
    expect((await first.next('left')).reason).toBe('token-reused');
    expect(await first.closed).toBe(4000);
    expect((await second.next('welcome')).self.id).toBe(alice.participantId);
    // The participant stays in the stage: no participantLeft for it.
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.frames.some((f) => f.type === 'participantLeft')).toBe(false);
  });

  it('relays mute changes to the other participants', async () => {
    const e = await start();
    const stage = await createStage(e);
    const alice = await mint(e, stage.arn);
    const bob = await mint(e, stage.arn);
    const a = await joinStage(env, stage.id, alice.token);
    const b = await joinStage(env, stage.id, bob.token);
    a.send({ type: 'mute', kind: 'video', muted: true });
    const change = await b.next('muteChanged');
    expect(change).toEqual({ type: 'muteChanged', participantId: alice.participantId, kind: 'video', muted: true });
    const c = await joinStage(env, stage.id, (await mint(e, stage.arn)).token);
    const late = (await c.next('welcome')).participants.find((p) => p.id === alice.participantId);
    expect(late).toMatchObject({ videoMuted: true, audioMuted: false });
  });

  it('DeleteStage ends every session with left stage-deleted', async () => {
    const e = await start();
    const stage = await createStage(e);
    const a = await joinStage(env, stage.id, (await mint(e, stage.arn)).token);
    const b = await joinStage(env, stage.id, (await mint(e, stage.arn)).token);
    await e.realtime.send(new DeleteStageCommand({ arn: stage.arn }));
    expect((await a.next('left')).reason).toBe('stage-deleted');
    expect((await b.next('left')).reason).toBe('stage-deleted');
    expect(await a.closed).toBe(4000);
  });

  it('DisconnectParticipant ends that session with participant-disconnected and tells the others', async () => {
    const e = await start();
    const stage = await createStage(e);
    const alice = await mint(e, stage.arn);
    const a = await joinStage(env, stage.id, alice.token);
    const b = await joinStage(env, stage.id, (await mint(e, stage.arn)).token);
    await e.realtime.send(new DisconnectParticipantCommand({ stageArn: stage.arn, participantId: alice.participantId, reason: 'moderated' }));
    const left = await a.next('left');
    expect(left.reason).toBe('participant-disconnected');
    const seen = await b.next('participantLeft');
    expect(seen).toEqual({ type: 'participantLeft', participantId: alice.participantId, reason: 'participant-disconnected' });
    // The token is revoked: joining again is refused.
    const again = new EventsClient(env, stage.id);
    await again.opened;
    again.send({ type: 'join', token: alice.token });
    expect((await again.next('error')).code).toBe('participant-disconnected');
    expect(await again.closed).toBe(4001);
  });

  it('ListParticipants and the stage session reflect joins and leaves', async () => {
    const e = await start();
    const stage = await createStage(e);
    const alice = await mint(e, stage.arn, { userId: 'alice' });
    const a = await joinStage(env, stage.id, alice.token);
    const { stage: live } = await e.realtime.send(new GetStageCommand({ arn: stage.arn }));
    expect(live?.activeSessionId).toBeTruthy();
    const sessionId = live!.activeSessionId!;
    const connected = await e.realtime.send(new ListParticipantsCommand({ stageArn: stage.arn, sessionId }));
    expect(connected.participants?.map((p) => [p.participantId, p.state])).toEqual([[alice.participantId, 'CONNECTED']]);

    a.send({ type: 'leave' });
    expect(await a.closed).toBe(1000);
    await expect
      .poll(async () => (await e.realtime.send(new ListParticipantsCommand({ stageArn: stage.arn, sessionId }))).participants?.[0]?.state)
      .toBe('DISCONNECTED');
  });

  it('keeps a participant whose socket dropped listed for the grace period, so a reconnect is seamless', async () => {
    const e = await start({ reconnectGraceMs: 1500 });
    const stage = await createStage(e);
    const alice = await mint(e, stage.arn);
    const a = await joinStage(env, stage.id, alice.token);
    const b = await joinStage(env, stage.id, (await mint(e, stage.arn)).token);
    (a.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const again = await joinStage(env, stage.id, alice.token);
    expect((await again.next('welcome')).self.id).toBe(alice.participantId);
    await b.next('metadataChanged', (f) => f.participant.id === alice.participantId);
    await new Promise((r) => setTimeout(r, 1700));
    expect(b.frames.some((f) => f.type === 'participantLeft' || f.type === 'participantJoined')).toBe(false);
  });

  it('removes a participant whose socket is destroyed without a close frame, and tells the others', async () => {
    const e = await start();
    const stage = await createStage(e);
    const ghost = await mint(e, stage.arn);
    const g = await joinStage(env, stage.id, ghost.token);
    const b = await joinStage(env, stage.id, (await mint(e, stage.arn)).token);
    const started = Date.now();
    (g.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
    const left = await b.next('participantLeft', (f) => f.participantId === ghost.participantId, 5000);
    expect(left.reason).toBe('error');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('removes a participant that stops answering heartbeats within 5 s', async () => {
    const e = await start({ heartbeatIntervalMs: 1000 });
    const stage = await createStage(e);
    const ghost = await mint(e, stage.arn);
    const g = await joinStage(env, stage.id, ghost.token);
    const b = await joinStage(env, stage.id, (await mint(e, stage.arn)).token);
    // Stop reading from the socket: pings go unanswered, as with a frozen or vanished client.
    const started = Date.now();
    g.ws.pause();
    const left = await b.next('participantLeft', (f) => f.participantId === ghost.participantId, 6000);
    expect(left.participantId).toBe(ghost.participantId);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('ends the session with token-expired when the token expires', async () => {
    const e = await start();
    const stage = await createStage(e);
    const { token } = await mint(e, stage.arn, { duration: 1 });
    env.clockOffsetMs = decodeJwt(token).exp! * 1000 - Date.now() - 700; // the token has 0.7 s left
    const client = await joinStage(env, stage.id, token);
    expect((await client.next('left', () => true, 3000)).reason).toBe('token-expired');
    expect(await client.closed).toBe(4000);
  });

  it('exchangeToken applies new attributes and capabilities, tells the others and updates the control plane', async () => {
    const e = await start();
    const stage = await createStage(e);
    const signer = await selfSigner(e, stage.arn);
    const alice = { participantId: 'alice-1', ...(await signer.sign('alice-1', { role: 'guest' }, { publish: false })) };
    const a = await joinStage(env, stage.id, alice.token);
    const b = await joinStage(env, stage.id, (await mint(e, stage.arn)).token);

    // A token for another participant is refused and the session goes on.
    a.send({ type: 'exchangeToken', token: (await mint(e, stage.arn)).token, requestId: 'r1' });
    expect(await a.next('error', (f) => f.requestId === 'r1')).toMatchObject({ code: 'participant-mismatch' });
    expect(a.ws.readyState).toBe(WebSocket.OPEN);

    // The same participant promoted to publisher with new attributes, as an app backend would
    // sign it with the key it imported (ImportPublicKey).
    const promoted = await signer.sign('alice-1', { role: 'host' }, { publish: true });
    a.send({ type: 'exchangeToken', token: promoted.token, requestId: 'r2' });
    const exchanged = await a.next('tokenExchanged', (f) => f.requestId === 'r2');
    expect(exchanged.self).toMatchObject({ id: alice.participantId, attributes: { role: 'host' }, capabilities: { publish: true, subscribe: true } });
    const meta = await b.next('metadataChanged');
    expect(meta.participant).toMatchObject({ id: alice.participantId, attributes: { role: 'host' }, capabilities: { publish: true } });

    // The control plane sees the new attributes and records TOKEN_EXCHANGED with both tokens.
    const { stage: current } = await e.realtime.send(new GetStageCommand({ arn: stage.arn }));
    const sessionId = current!.activeSessionId!;
    const { participant } = await e.realtime.send(new GetParticipantCommand({ stageArn: stage.arn, sessionId, participantId: alice.participantId }));
    expect(participant).toMatchObject({ participantId: alice.participantId, userId: 'alice', attributes: { role: 'host' }, state: 'CONNECTED' });
    const listed = await e.realtime.send(new ListParticipantsCommand({ stageArn: stage.arn, sessionId, filterByUserId: 'alice' }));
    expect(listed.participants?.map((p) => p.participantId)).toEqual([alice.participantId]);
    const { events } = await e.realtime.send(new ListParticipantEventsCommand({ stageArn: stage.arn, sessionId, participantId: alice.participantId }));
    expect(events?.map((event) => event.name)).toEqual(['JOINED', 'TOKEN_EXCHANGED']);
    const exchange = events![1]!;
    expect(exchange.previousToken).toMatchObject({ capabilities: ['SUBSCRIBE'], attributes: { role: 'guest' }, userId: 'alice' });
    expect(exchange.newToken).toMatchObject({ capabilities: ['PUBLISH', 'SUBSCRIBE'], attributes: { role: 'host' }, userId: 'alice' });
    expect(exchange.newToken?.expirationTime?.getTime()).toBe(promoted.expiresAt * 1000);
  });
});

/** Signs participant tokens the way an app backend does: its own P-384 key, imported with ImportPublicKey. */
async function selfSigner(e: Emulator, stageArn: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const imported = await e.realtime.send(
    new ImportPublicKeyCommand({ publicKeyMaterial: publicKey.export({ format: 'pem', type: 'spki' }).toString(), name: 'events-test' }),
  );
  const endpoints = (await e.realtime.send(new GetStageCommand({ arn: stageArn }))).stage!.endpoints!;
  return {
    async sign(participantId: string, attributes: Record<string, string>, { publish }: { publish: boolean }): Promise<{ token: string; expiresAt: number }> {
      const now = Math.floor(Date.now() / 1000);
      const expiresAt = now + (publish ? 1800 : 3600);
      const token = await new SignJWT({
        resource: stageArn,
        topic: stageArn.split('/').pop(),
        events_url: endpoints.events,
        whip_url: endpoints.whip,
        capabilities: { allow_publish: publish, allow_subscribe: true },
        user_id: 'alice',
        attributes,
        version: '1.0',
      })
        .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: imported.publicKey!.arn! })
        .setJti(participantId)
        .setIssuedAt(now)
        .setExpirationTime(expiresAt)
        .sign(privateKey);
      return { token, expiresAt };
    },
  };
}
