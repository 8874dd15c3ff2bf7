/**
 * Browser client → app backend → AWS, with every piece real: HttpControlPlane (fetch) →
 * createControlPlaneHandler over a real node:http server on loopback → SigV4ControlPlane (AWS SDK v3
 * clients, SigV4-signed) → ivs-local.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlaneError, ValidationError } from '../../../src/core/errors';
import { decodeParticipantToken } from '../../../src/core/token';
import { HttpControlPlane } from '../../../src/control-plane/http-control-plane';
import { listLiveStages } from '../../../src/control-plane/live-stages';
import { startLocalIvs, type IvsLocalInternals as LocalIvs } from '../../../packages/ivs-local/src/server';
import { createControlPlaneHandler, toNodeListener, type Authorize, type ControlPlaneHandlerErrorEvent } from '../../../src/server';
import { SigV4ControlPlane } from '../../../src/sigv4';

type Role = 'admin' | 'host' | 'viewer';

/** The app's access policy: the caller's role and user id come from (test) session headers. */
const authorize: Authorize = ({ operation, request }) => {
  const role = request.headers.get('x-test-role') as Role | null;
  const userId = request.headers.get('x-test-user') ?? 'anonymous';
  if (role === null) return false;
  switch (operation) {
    case 'mintParticipantToken':
      return role === 'viewer' ? { userId, capabilities: ['SUBSCRIBE'] } : { userId };
    case 'mintChatToken':
      return { userId, capabilities: role === 'viewer' ? [] : ['SEND_MESSAGE', 'DELETE_MESSAGE'] };
    case 'listStages':
    case 'getStage':
      return true;
    default:
      return role === 'admin';
  }
};

let ivs: LocalIvs;
let backend: SigV4ControlPlane;
let server: http.Server;
let baseUrl: string;
const serverErrors: ControlPlaneHandlerErrorEvent[] = [];
/** Every response body the browser side received, to check for leaked secrets. */
const received: string[] = [];

async function listen(handler: ReturnType<typeof createControlPlaneHandler>): Promise<{ server: http.Server; url: string }> {
  const created = http.createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return { server: created, url: `http://127.0.0.1:${(created.address() as AddressInfo).port}/api/ivs` };
}

const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const text = await response.clone().text();
  received.push(text);
  return response;
};

function client(role: Role | undefined, user = `${role ?? 'nobody'}-1`, url = baseUrl): HttpControlPlane {
  return new HttpControlPlane({
    baseUrl: url,
    region: ivs.region,
    fetch: recordingFetch,
    headers: (): Record<string, string> => (role === undefined ? {} : { 'x-test-role': role, 'x-test-user': user }),
  });
}

beforeAll(async () => {
  ivs = await startLocalIvs({ modules: [] });
  backend = new SigV4ControlPlane({ region: ivs.region, credentials: ivs.credentials, endpoint: ivs.url, listStagesPageSize: 2 });
  const handler = createControlPlaneHandler({ controlPlane: backend, authorize, basePath: '/api/ivs', onError: (e) => serverErrors.push(e) });
  ({ server, url: baseUrl } = await listen(handler));
});

afterAll(async () => {
  backend?.dispose();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await ivs?.close();
});

describe('HttpControlPlane → createControlPlaneHandler → SigV4ControlPlane → ivs-local', () => {
  it('runs every operation end to end', async () => {
    const admin = client('admin');
    const created = await admin.createStage({ name: 'e2e-show', tags: { app: 'e2e' } });
    expect(created.arn).toMatch(/^arn:aws:ivs:us-east-1:\d+:stage\/[a-zA-Z0-9-]+$/);
    expect(created).toMatchObject({ name: 'e2e-show', tags: { app: 'e2e' }, activeSessionId: undefined });
    expect(created.id).toBe(created.arn.split('/').pop());
    expect(created.endpoints.whip).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);

    expect(await admin.getStage(created.arn)).toEqual(created);
    expect((await admin.listStages()).map((s) => s.arn)).toContain(created.arn);

    const host = await client('host', 'alice').mintParticipantToken({ stageArn: created.arn, durationMinutes: 30, attributes: { seat: '1' } });
    const claims = decodeParticipantToken(host.token);
    expect(claims).toMatchObject({ participantId: host.participantId, stageArn: created.arn, userId: 'alice', attributes: { seat: '1' } });
    expect(claims.capabilities).toEqual({ publish: true, subscribe: true });
    expect(host.capabilities.sort()).toEqual(['PUBLISH', 'SUBSCRIBE']);
    expect(host.expirationTime.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(host.expirationTime.getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000 + 5_000);

    const disconnects: unknown[] = [];
    const off = ivs.hub.events.on('participantDisconnect', (event) => disconnects.push(event));
    await admin.disconnectParticipant({ stageArn: created.arn, participantId: host.participantId, reason: 'moderated' });
    off();
    expect(disconnects).toEqual([{ stageArn: created.arn, participantId: host.participantId, reason: 'moderated' }]);

    const room = await admin.createChatRoom({ name: 'e2e-chat', maximumMessageLength: 200, maximumMessageRatePerSecond: 5 });
    expect(room).toMatchObject({ name: 'e2e-chat', maximumMessageLength: 200, maximumMessageRatePerSecond: 5, tags: {} });
    expect(room.arn).toMatch(/^arn:aws:ivschat:us-east-1:\d+:room\//);

    const chat = await client('host', 'alice').mintChatToken({ roomArn: room.arn, userId: 'mallory', sessionDurationMinutes: 30 });
    expect(typeof chat.token).toBe('string');
    expect(chat.sessionExpirationTime.getTime()).toBeGreaterThan(Date.now());
    // The user the backend minted the token for (authorize forced the caller's own), not the one asked for.
    expect(chat.userId).toBe('alice');
    const grant = ivs.hub.takeChatToken(chat.token);
    expect(grant).toMatchObject({ roomArn: room.arn, userId: 'alice', capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE'] });

    await admin.deleteChatRoom(room.arn);
    await expect(backend.deleteChatRoom(room.arn)).rejects.toMatchObject({ errorName: 'ResourceNotFoundException', status: 404 });
    await admin.deleteStage(created.arn);
    expect((await admin.listStages()).map((s) => s.arn)).not.toContain(created.arn);
  });

  it('authorize rewrites a viewer token to SUBSCRIBE only and forces the session user id', async () => {
    const stage = await backend.createStage({ name: 'viewer-test' });
    const result = await client('viewer', 'bob').mintParticipantToken({
      stageArn: stage.arn,
      userId: 'impersonated-host',
      capabilities: ['PUBLISH', 'SUBSCRIBE'],
    });
    const claims = decodeParticipantToken(result.token);
    expect(claims.capabilities).toEqual({ publish: false, subscribe: true });
    expect(claims.userId).toBe('bob');
    expect(result).toMatchObject({ userId: 'bob', capabilities: ['SUBSCRIBE'] });
    await backend.deleteStage(stage.arn);
  });

  it('authorize denies: 403 AccessDenied arrives as ControlPlaneError, and nothing happens', async () => {
    const before = (await backend.listStages()).length;
    const anonymous = await client(undefined).listStages().catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(ControlPlaneError);
    expect(anonymous).toMatchObject({ operation: 'listStages', errorName: 'AccessDenied', status: 403, retryable: false });
    await expect(client('viewer').createStage({ name: 'nope' })).rejects.toMatchObject({ errorName: 'AccessDenied', status: 403 });
    expect((await backend.listStages()).length).toBe(before);
  });

  it('a deleted stage is ResourceNotFoundException 404 through both layers', async () => {
    const stage = await backend.createStage();
    await backend.deleteStage(stage.arn);

    const direct = await backend.getStage(stage.arn).catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(ControlPlaneError);
    expect(direct).toMatchObject({ operation: 'getStage', errorName: 'ResourceNotFoundException', status: 404, retryable: false });
    expect((direct as ControlPlaneError).requestId).toEqual(expect.any(String));

    const viaHttp = await client('host').getStage(stage.arn).catch((e: unknown) => e);
    expect(viaHttp).toBeInstanceOf(ControlPlaneError);
    expect(viaHttp).toMatchObject({ operation: 'getStage', errorName: 'ResourceNotFoundException', status: 404, retryable: false });
    expect((viaHttp as ControlPlaneError).message).toContain('Stage not found');

    await expect(client('host').mintParticipantToken({ stageArn: stage.arn })).rejects.toMatchObject({
      errorName: 'ResourceNotFoundException',
      status: 404,
    });
  });

  it('a server-side validation failure arrives as ValidationError with the field', async () => {
    const stage = await backend.createStage();
    // A client that skips validation (another language, an old version): the server still checks.
    const response = await recordingFetch(`${baseUrl}/stages/${encodeURIComponent(stage.arn)}/participant-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-role': 'host' },
      body: JSON.stringify({ durationMinutes: 20_161 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { name: 'ValidationError', field: 'durationMinutes', message: expect.stringContaining('20160') },
    });
    const viaFetchOnly = new HttpControlPlane({
      baseUrl,
      region: ivs.region,
      fetch: async (input, init) => {
        // Re-send with an invalid body, as an outdated client would.
        const broken = { ...init, body: JSON.stringify({ capabilities: ['ADMIN'] }) };
        return recordingFetch(input, broken);
      },
      headers: { 'x-test-role': 'host' },
    });
    const error = await viaFetchOnly.mintParticipantToken({ stageArn: stage.arn }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'capabilities[0]' });
    await backend.deleteStage(stage.arn);
  });

  it('listStages fetches every page (page size 2) through both layers', async () => {
    const created = await Promise.all(Array.from({ length: 7 }, (_, i) => backend.createStage({ name: `page-${i}`, tags: { batch: 'paging' } })));
    const direct = (await backend.listStages()).filter((s) => s.tags['batch'] === 'paging');
    expect(direct.map((s) => s.arn).sort()).toEqual(created.map((s) => s.arn).sort());
    const viaHttp = (await client('viewer').listStages()).filter((s) => s.tags['batch'] === 'paging');
    expect(viaHttp.map((s) => s.arn).sort()).toEqual(created.map((s) => s.arn).sort());
    expect(new Set(viaHttp.map((s) => s.arn)).size).toBe(7);
    await Promise.all(created.map((s) => backend.deleteStage(s.arn)));
  });

  it('listLiveStages finds stages with an active session, and tagged stages when asked', async () => {
    const [onAir, withSession, idle] = await Promise.all([
      backend.createStage({ name: 'on-air', tags: { status: 'on-air' } }),
      backend.createStage({ name: 'with-session' }),
      backend.createStage({ name: 'idle', tags: { status: 'off-air' } }),
    ]);
    // A participant joins (what the local stage media server reports when someone connects).
    const token = await backend.mintParticipantToken({ stageArn: withSession.arn });
    ivs.hub.updateParticipant({ kind: 'joined', grant: await ivs.hub.verifyParticipantToken(token.token) });

    const viewer = client('viewer');
    const live = await listLiveStages(viewer);
    const liveArns = live.map((s) => s.arn);
    expect(liveArns).toContain(withSession.arn);
    expect(liveArns).not.toContain(onAir.arn);
    expect(liveArns).not.toContain(idle.arn);
    expect(live.find((s) => s.arn === withSession.arn)?.activeSessionId).toMatch(/^st-[a-zA-Z0-9]{13}$/);

    const tagged = (await listLiveStages(viewer, { tagKey: 'status', tagValue: 'on-air' })).map((s) => s.arn);
    expect(tagged).toEqual(expect.arrayContaining([onAir.arn, withSession.arn]));
    expect(tagged).not.toContain(idle.arn);

    const anyStatus = (await listLiveStages(viewer, { tagKey: 'status' })).map((s) => s.arn);
    expect(anyStatus).toEqual(expect.arrayContaining([onAir.arn, withSession.arn, idle.arn]));

    await expect(listLiveStages(viewer, { tagValue: 'on-air' })).rejects.toMatchObject({ field: 'tagValue' });
    await Promise.all([onAir, withSession, idle].map((s) => backend.deleteStage(s.arn)));
  });

  it('when AWS refuses the server credentials the caller gets a generic 500 with a request id, never the secret', async () => {
    const wrongSecret = 'wrong-secret-9c1f6e0b-DO-NOT-LEAK';
    const misconfigured = new SigV4ControlPlane({
      region: ivs.region,
      credentials: { accessKeyId: ivs.credentials.accessKeyId, secretAccessKey: wrongSecret },
      endpoint: ivs.url,
    });
    const events: ControlPlaneHandlerErrorEvent[] = [];
    const { server: badServer, url } = await listen(
      createControlPlaneHandler({ controlPlane: misconfigured, authorize, basePath: '/api/ivs', onError: (e) => events.push(e) }),
    );
    try {
      const error = await client('admin', 'a', url).createStage({ name: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ControlPlaneError);
      expect(error).toMatchObject({ errorName: 'InternalError', status: 500, retryable: true });
      const requestId = (error as ControlPlaneError).requestId;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      // The server log gets the real cause under the same id.
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ requestId, operation: 'createStage', status: 500 });
      expect((events[0]?.error as ControlPlaneError).status).toBe(403);
      expect(JSON.stringify(error)).not.toContain(wrongSecret);
      expect(String((error as Error).message)).not.toContain(wrongSecret);
      expect(received.some((body) => body.includes(wrongSecret))).toBe(false);
    } finally {
      misconfigured.dispose();
      badServer.closeAllConnections();
      await new Promise<void>((resolve) => badServer.close(() => resolve()));
    }
  });

  it('no response body ever carried the AWS secret key or a stack trace', () => {
    expect(received.length).toBeGreaterThan(20);
    for (const body of received) {
      expect(body).not.toContain(ivs.credentials.secretAccessKey);
      expect(body).not.toMatch(/\n\s+at /);
      expect(body).not.toContain('node_modules');
    }
    expect(serverErrors).toEqual([]);
  });
});
