/**
 * SigV4ControlPlane with the real AWS SDK v3 clients against ivs-local (SigV4-verified) on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, ControlPlaneError, TimeoutError, ValidationError } from '../../../src/core/errors';
import { decodeParticipantToken } from '../../../src/core/token';
import { startLocalIvs, type IvsLocalInternals as LocalIvs } from '../../../packages/ivs-local/src/server';
import { SigV4ControlPlane, type SigV4ControlPlaneOptions } from '../../../src/sigv4';

let ivs: LocalIvs;
const planes: SigV4ControlPlane[] = [];
const servers: http.Server[] = [];

function plane(options: Partial<SigV4ControlPlaneOptions> = {}): SigV4ControlPlane {
  const created = new SigV4ControlPlane({ region: ivs.region, credentials: ivs.credentials, endpoint: ivs.url, ...options });
  planes.push(created);
  return created;
}

/** A loopback server that records requests and answers with `respond` (or never). */
async function rawServer(respond?: (res: http.ServerResponse) => void): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    respond?.(res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

beforeAll(async () => {
  ivs = await startLocalIvs({ modules: [] });
});

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

afterAll(async () => {
  for (const created of planes) created.dispose();
  await ivs?.close();
});

describe('SigV4ControlPlane against ivs-local', () => {
  it('creates, gets, lists and deletes stages', async () => {
    const controlPlane = plane();
    expect(controlPlane.region).toBe(ivs.region);
    const stage = await controlPlane.createStage({ name: 'sig-stage', tags: { env: 'test' } });
    expect(stage).toMatchObject({ name: 'sig-stage', tags: { env: 'test' }, activeSessionId: undefined });
    expect(stage.arn).toContain(`:${ivs.accountId}:stage/${stage.id}`);
    expect(stage.endpoints.events).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/stage\//);
    expect(await controlPlane.getStage(stage.arn)).toEqual(stage);
    expect(await controlPlane.listStages()).toContainEqual({
      arn: stage.arn,
      id: stage.id,
      name: 'sig-stage',
      activeSessionId: undefined,
      tags: { env: 'test' },
    });
    await controlPlane.deleteStage(stage.arn);
    expect((await controlPlane.listStages()).some((s) => s.arn === stage.arn)).toBe(false);
  });

  it('creates a stage with no input (empty name, no tags)', async () => {
    const stage = await plane().createStage();
    expect(stage).toMatchObject({ name: '', tags: {} });
    await plane().deleteStage(stage.arn);
  });

  it('mints participant tokens with the requested capabilities, user and duration', async () => {
    const controlPlane = plane();
    const stage = await controlPlane.createStage();
    const both = await controlPlane.mintParticipantToken({ stageArn: stage.arn });
    expect(both.capabilities.sort()).toEqual(['PUBLISH', 'SUBSCRIBE']);
    expect(decodeParticipantToken(both.token).capabilities).toEqual({ publish: true, subscribe: true });
    // Default duration 720 minutes.
    expect(Math.round((both.expirationTime.getTime() - Date.now()) / 60_000)).toBe(720);

    const viewer = await controlPlane.mintParticipantToken({ stageArn: stage.arn, capabilities: ['SUBSCRIBE'], userId: 'v1', durationMinutes: 5 });
    const claims = decodeParticipantToken(viewer.token);
    expect(claims).toMatchObject({ participantId: viewer.participantId, userId: 'v1', stageArn: stage.arn });
    expect(claims.capabilities).toEqual({ publish: false, subscribe: true });
    expect(viewer).toMatchObject({ userId: 'v1', capabilities: ['SUBSCRIBE'] });
    expect(Math.round((viewer.expirationTime.getTime() - Date.now()) / 60_000)).toBe(5);
    await controlPlane.deleteStage(stage.arn);
  });

  it('disconnects a participant (ivs-local raises the disconnect for its stage server)', async () => {
    const controlPlane = plane();
    const stage = await controlPlane.createStage();
    const { participantId } = await controlPlane.mintParticipantToken({ stageArn: stage.arn });
    const seen: unknown[] = [];
    const off = ivs.hub.events.on('participantDisconnect', (event) => seen.push(event));
    await controlPlane.disconnectParticipant({ stageArn: stage.arn, participantId });
    off();
    expect(seen).toEqual([{ stageArn: stage.arn, participantId, reason: undefined }]);
    await controlPlane.deleteStage(stage.arn);
  });

  it('creates and deletes chat rooms, and mints chat tokens', async () => {
    const controlPlane = plane();
    const room = await controlPlane.createChatRoom({ name: 'sig-room', maximumMessageRatePerSecond: 3, tags: { a: 'b' } });
    expect(room).toMatchObject({ name: 'sig-room', maximumMessageLength: 500, maximumMessageRatePerSecond: 3, tags: { a: 'b' } });
    expect(room.id).toBe(room.arn.split('/').pop());
    const token = await controlPlane.mintChatToken({ roomArn: room.arn, userId: 'u1', capabilities: ['SEND_MESSAGE'], sessionDurationMinutes: 10 });
    expect(Math.round((token.sessionExpirationTime.getTime() - Date.now()) / 60_000)).toBe(10);
    expect(token.userId).toBe('u1');
    expect(ivs.hub.takeChatToken(token.token)).toMatchObject({ roomArn: room.arn, userId: 'u1', capabilities: ['SEND_MESSAGE'] });
    await controlPlane.deleteChatRoom(room.arn);
    await expect(controlPlane.mintChatToken({ roomArn: room.arn, userId: 'u1' })).rejects.toMatchObject({
      errorName: 'ResourceNotFoundException',
      status: 404,
    });
  });

  it('maps AWS exceptions to ControlPlaneError with name, status and request id', async () => {
    const controlPlane = plane();
    const missing = `arn:aws:ivs:${ivs.region}:${ivs.accountId}:stage/doesNotExist1`;
    const error = await controlPlane.getStage(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlPlaneError);
    const cpError = error as ControlPlaneError;
    expect(cpError).toMatchObject({ operation: 'getStage', errorName: 'ResourceNotFoundException', status: 404, retryable: false, code: 'CONTROL_PLANE' });
    expect(cpError.requestId).toEqual(expect.any(String));
    // The Real-Time error text lives in exceptionMessage; it must reach the message.
    expect(cpError.message).toContain('Stage not found');
    await expect(controlPlane.deleteChatRoom(`arn:aws:ivschat:${ivs.region}:${ivs.accountId}:room/doesNotExist1`)).rejects.toMatchObject({
      operation: 'deleteChatRoom',
      errorName: 'ResourceNotFoundException',
      status: 404,
    });
  });

  it('reports rejected credentials as a non-retryable ControlPlaneError that never contains the secret', async () => {
    const secret = 'not-the-right-secret-7f3a';
    const controlPlane = plane({ credentials: { accessKeyId: ivs.credentials.accessKeyId, secretAccessKey: secret } });
    const error = (await controlPlane.listStages().catch((e: unknown) => e)) as ControlPlaneError;
    expect(error).toBeInstanceOf(ControlPlaneError);
    expect(error.status).toBe(403);
    expect(error.retryable).toBe(false);
    expect(error.errorName).toMatch(/SignatureDoesNotMatch|InvalidSignature|UnrecognizedClient|AccessDenied/);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(secret);
  });

  it('accepts credentials as a static object, a sync provider and an async provider', async () => {
    let syncCalls = 0;
    let asyncCalls = 0;
    const fromSync = plane({
      credentials: () => {
        syncCalls++;
        return { ...ivs.credentials };
      },
    });
    const fromAsync = plane({
      credentials: async () => {
        asyncCalls++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { ...ivs.credentials };
      },
    });
    expect(Array.isArray(await plane().listStages())).toBe(true);
    expect(Array.isArray(await fromSync.listStages())).toBe(true);
    expect(Array.isArray(await fromAsync.listStages())).toBe(true);
    expect(syncCalls).toBeGreaterThanOrEqual(1);
    expect(asyncCalls).toBeGreaterThanOrEqual(1);
  });

  it('rejects a provider result without a secret key as ValidationError naming the member', async () => {
    const controlPlane = plane({ credentials: async () => ({ accessKeyId: 'AKID' }) as never });
    await expect(controlPlane.listStages()).rejects.toMatchObject({ name: 'ValidationError', field: 'credentials.secretAccessKey' });
  });

  it('validates before any network call', async () => {
    const { url, hits } = await rawServer((res) => res.end('{}'));
    const controlPlane = plane({ endpoint: url });
    const attempts: Promise<unknown>[] = [
      controlPlane.createStage({ name: 'has space' }),
      controlPlane.getStage('arn:aws:ivschat:us-east-1:1:room/x'),
      controlPlane.mintParticipantToken({ stageArn: `arn:aws:ivs:us-east-1:1:stage/x`, capabilities: ['PUBLISH', 'PUBLISH'] }),
      controlPlane.disconnectParticipant({ stageArn: `arn:aws:ivs:us-east-1:1:stage/x`, participantId: '' }),
      controlPlane.createChatRoom({ maximumMessageLength: 501 }),
      controlPlane.mintChatToken({ roomArn: 'arn:aws:ivschat:us-east-1:1:room/x', userId: 'u', sessionDurationMinutes: 181 }),
      controlPlane.deleteChatRoom(''),
      controlPlane.deleteStage('x'),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    expect(hits()).toBe(0);
  });

  it('rejects with TimeoutError when the endpoint never answers', async () => {
    const { url } = await rawServer();
    const controlPlane = plane({ endpoint: url, timeoutMs: 200, maxAttempts: 1 });
    const started = Date.now();
    await expect(controlPlane.listStages()).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('passes the AbortSignal to the SDK: aborting mid-call rejects with AbortedError', async () => {
    const { url, hits } = await rawServer();
    const controlPlane = plane({ endpoint: url, maxAttempts: 1 });
    const controller = new AbortController();
    const pending = controlPlane.getStage(`arn:aws:ivs:us-east-1:1:stage/x`, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hits()).toBe(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    await expect(controlPlane.listStages({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(hits()).toBe(1);
  });

  it('reports an unreachable endpoint as a retryable NetworkError', async () => {
    const { url } = await rawServer();
    await new Promise<void>((resolve) => {
      const server = servers.pop();
      server?.close(() => resolve());
    });
    const controlPlane = plane({ endpoint: url, maxAttempts: 1 });
    await expect(controlPlane.listStages()).rejects.toMatchObject({ name: 'ControlPlaneError', errorName: 'NetworkError', retryable: true });
  });

  it('a 5xx from the service is retryable and keeps its status', async () => {
    const { url } = await rawServer((res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerException', 'x-amzn-requestid': 'req-500' });
      res.end(JSON.stringify({ exceptionMessage: 'boom' }));
    });
    const controlPlane = plane({ endpoint: url, maxAttempts: 1 });
    await expect(controlPlane.listStages()).rejects.toMatchObject({
      errorName: 'InternalServerException',
      status: 500,
      requestId: 'req-500',
      retryable: true,
      message: 'listStages failed: InternalServerException: boom',
    });
  });

  it('uses realtimeEndpoint and chatEndpoint over endpoint', async () => {
    const { url: dead, hits } = await rawServer((res) => {
      res.writeHead(418);
      res.end();
    });
    const controlPlane = plane({ endpoint: dead, realtimeEndpoint: ivs.url, chatEndpoint: ivs.url, maxAttempts: 1 });
    const stage = await controlPlane.createStage();
    const room = await controlPlane.createChatRoom();
    expect(stage.arn).toMatch(new RegExp(`^arn:aws:ivs:${ivs.region}:\\d{12}:stage/`));
    expect(room.arn).toMatch(new RegExp(`^arn:aws:ivschat:${ivs.region}:\\d{12}:room/`));
    // Both services answered from ivs-local: the stage and the room exist there.
    expect((await plane().getStage(stage.arn)).arn).toBe(stage.arn);
    await controlPlane.deleteStage(stage.arn);
    await controlPlane.deleteChatRoom(room.arn);
    expect(hits(), 'no request went to `endpoint`').toBe(0);
  });

  it('rejects bad options at construction', () => {
    expect(() => new SigV4ControlPlane({ region: 'moon' })).toThrow(/region/);
    expect(() => new SigV4ControlPlane({ region: 'us-east-1', credentials: { accessKeyId: 'A' } as never })).toThrow(/credentials\.secretAccessKey/);
    expect(() => new SigV4ControlPlane({ region: 'us-east-1', endpoint: 'ftp://x' })).toThrow(/endpoint/);
    expect(() => new SigV4ControlPlane({ region: 'us-east-1', listStagesPageSize: 101 })).toThrow(/listStagesPageSize/);
  });
});
