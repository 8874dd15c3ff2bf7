/**
 * Public keys and self-signed participant tokens against a real ivs-local, through the real
 * IVSRealTimeClient: ImportPublicKey / GetPublicKey / ListPublicKeys / DeletePublicKey, tags on a
 * public-key ARN, persistence, and ES384 tokens signed by the app joining the stage events socket.
 */
import {
  ConflictException,
  CreateStageCommand,
  DeletePublicKeyCommand,
  GetPublicKeyCommand,
  GetStageCommand,
  ImportPublicKeyCommand,
  ListPublicKeysCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-ivs-realtime';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeParticipantToken, isLocalStageToken } from '../../../src/core/token';
import { createStageMediaModule } from '../../../packages/ivs-local/src/stage-media';
import type { ServerFrame } from '../../../src/local-stage/protocol';
import { startEmulator, stopEmulator, type Emulator } from './helpers';

let emulator: Emulator | undefined;
const sockets: WebSocket[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await stopEmulator(emulator);
  emulator = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function start(options: { dataFile?: string } = {}): Promise<Emulator> {
  emulator = await startEmulator({ ...options, modules: [(context) => createStageMediaModule(context.hub, { heartbeatIntervalMs: 1000 })] });
  return emulator;
}

function p384(): { privateKey: KeyObject; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return { privateKey, pem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

async function rejection(promise: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected the call to fail');
}

interface StageInfo {
  arn: string;
  id: string;
  endpoints: { events: string; whip: string };
}

async function createStage(e: Emulator): Promise<StageInfo> {
  const created = await e.realtime.send(new CreateStageCommand({ name: 'self-signed' }));
  // What an app backend does: read the stage's endpoints for the token's whip_url / events_url.
  const { stage } = await e.realtime.send(new GetStageCommand({ arn: created.stage!.arn! }));
  return { arn: stage!.arn!, id: stage!.arn!.split('/').pop()!, endpoints: { events: stage!.endpoints!.events!, whip: stage!.endpoints!.whip! } };
}

/** Signs a participant token the way the IVS user guide describes (ES384, IVS claims, kid = public key ARN). */
async function selfSign(
  privateKey: KeyObject,
  stage: StageInfo,
  options: { kid?: string | undefined; participantId: string; userId?: string; publish?: boolean; subscribe?: boolean; expiresInSeconds?: number },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    resource: stage.arn,
    topic: stage.id,
    events_url: stage.endpoints.events,
    whip_url: stage.endpoints.whip,
    capabilities: { allow_publish: options.publish ?? true, allow_subscribe: options.subscribe ?? true },
    user_id: options.userId ?? 'self-signed-user',
    attributes: { source: 'app' },
    version: '1.0',
  })
    .setProtectedHeader({ alg: 'ES384', typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) })
    .setJti(options.participantId)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
    .sign(privateKey);
}

/** Opens the stage events socket, sends `join` and resolves with the first welcome or error frame. */
async function joinStage(e: Emulator, stageId: string, token: string): Promise<{ frame: ServerFrame; ws: WebSocket }> {
  const ws = new WebSocket(`${e.ivs.wsUrl}/stage/${stageId}/events`);
  sockets.push(ws);
  const frame = new Promise<ServerFrame>((resolve, reject) => {
    ws.on('message', (data) => {
      const parsed = JSON.parse(String(data)) as ServerFrame;
      if (parsed.type === 'welcome' || parsed.type === 'error') resolve(parsed);
    });
    ws.once('error', reject);
    setTimeout(() => reject(new Error('no welcome or error frame within 5 s')), 5000);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'join', token }));
  return { frame: await frame, ws };
}

describe('public key operations', () => {
  it('ImportPublicKey returns the ARN, name, material, fingerprint and tags; GetPublicKey returns the same', async () => {
    const e = await start();
    const { pem } = p384();
    const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem, name: 'backend-key', tags: { team: 'live' } }));
    expect(publicKey?.arn).toMatch(/^arn:aws:ivs:us-east-1:123456789012:public-key\/[a-zA-Z0-9-]+$/);
    expect(publicKey).toMatchObject({ name: 'backend-key', publicKeyMaterial: pem, tags: { team: 'live' } });
    expect(publicKey?.fingerprint).toMatch(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/);

    const got = await e.realtime.send(new GetPublicKeyCommand({ arn: publicKey!.arn! }));
    expect(got.publicKey).toEqual(publicKey);
  });

  it('ListPublicKeys pages through the keys in import order with summaries (no material)', async () => {
    const e = await start();
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: p384().pem, name: `key-${i}` }));
      arns.push(publicKey!.arn!);
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await e.realtime.send(new ListPublicKeysCommand({ maxResults: 2, ...(nextToken ? { nextToken } : {}) }));
      pages++;
      for (const key of page.publicKeys ?? []) {
        expect(Object.keys(key).sort()).toEqual(['arn', 'name', 'tags']);
        seen.push(key.arn!);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(arns);
  });

  it('DeletePublicKey removes the key; Get and Delete of it then fail with ResourceNotFoundException', async () => {
    const e = await start();
    const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: p384().pem }));
    await e.realtime.send(new DeletePublicKeyCommand({ arn: publicKey!.arn! }));
    expect((await e.realtime.send(new ListPublicKeysCommand({}))).publicKeys).toEqual([]);
    await expect(e.realtime.send(new GetPublicKeyCommand({ arn: publicKey!.arn! }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(e.realtime.send(new DeletePublicKeyCommand({ arn: publicKey!.arn! }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses material that is not a PEM public key with ValidationException naming publicKeyMaterial', async () => {
    const e = await start();
    const error = await rejection(e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: 'ssh-ed25519 AAAAC3Nz' })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain('publicKeyMaterial');
    expect(error.$metadata?.httpStatusCode).toBe(400);

    const garbage = '-----BEGIN PUBLIC KEY-----\nAAAAAAAAAAAAAAAA\n-----END PUBLIC KEY-----\n';
    const unreadable = await rejection(e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: garbage })));
    expect(unreadable).toBeInstanceOf(ValidationException);
    expect(unreadable.message).toContain('not a readable public key');
  });

  it('refuses keys that are not ECDSA P-384 (P-256, RSA) with ValidationException', async () => {
    const e = await start();
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const [material, found] of [
      [p256, 'prime256v1'],
      [rsa, 'rsa'],
    ] as const) {
      const error = await rejection(e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: material })));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toContain('P-384');
      expect(error.message).toContain(found);
    }
    expect((await e.realtime.send(new ListPublicKeysCommand({}))).publicKeys).toEqual([]);
  });

  it('refuses a bad name, an aws: tag and a malformed ARN with ValidationException', async () => {
    const e = await start();
    const { pem } = p384();
    await expect(e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem, name: 'has space' }))).rejects.toBeInstanceOf(ValidationException);
    await expect(e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem, tags: { 'aws:x': 'y' } }))).rejects.toBeInstanceOf(ValidationException);
    await expect(e.realtime.send(new GetPublicKeyCommand({ arn: 'arn:aws:ivs:us-east-1:123456789012:stage/abc' }))).rejects.toBeInstanceOf(ValidationException);
  });

  it('importing the same key twice fails with ConflictException naming the existing ARN', async () => {
    const e = await start();
    const { pem } = p384();
    const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem }));
    const error = await rejection(e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem.replace(/\n/g, '\r\n'), name: 'again' })));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toContain(publicKey!.arn!);
    expect(error.$metadata?.httpStatusCode).toBe(409);
  });

  it('tag operations work on a public-key ARN', async () => {
    const e = await start();
    const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: p384().pem, tags: { a: '1' } }));
    await e.realtime.send(new TagResourceCommand({ resourceArn: publicKey!.arn!, tags: { b: '2' } }));
    expect((await e.realtime.send(new ListTagsForResourceCommand({ resourceArn: publicKey!.arn! }))).tags).toEqual({ a: '1', b: '2' });
    expect((await e.realtime.send(new GetPublicKeyCommand({ arn: publicKey!.arn! }))).publicKey?.tags).toEqual({ a: '1', b: '2' });
  });

  it('public keys survive a restart with the same data file, and still verify tokens', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ivs-local-keys-'));
    dirs.push(dir);
    const dataFile = join(dir, 'data.json');
    let e = await start({ dataFile });
    const { privateKey, pem } = p384();
    const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem, name: 'kept' }));
    const stage = await createStage(e);
    await stopEmulator(e);

    e = await start({ dataFile });
    expect((await e.realtime.send(new GetPublicKeyCommand({ arn: publicKey!.arn! }))).publicKey).toEqual(publicKey);
    const token = await selfSign(privateKey, stage, { kid: publicKey!.arn!, participantId: 'after-restart' });
    expect((await joinStage(e, stage.id, token)).frame).toMatchObject({ type: 'welcome', self: { id: 'after-restart' } });
  });
});

describe('self-signed participant tokens', () => {
  it('a token signed with an imported key joins the stage: participant id = jti, capabilities and user from the claims', async () => {
    const e = await start();
    const stage = await createStage(e);
    const { privateKey, pem } = p384();
    const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem }));
    const token = await selfSign(privateKey, stage, { kid: publicKey!.arn!, participantId: 'viewer-42', userId: 'ana', publish: false });

    // The SDK routes it to the local stage driver (loopback whip_url).
    expect(isLocalStageToken(decodeParticipantToken(token))).toBe(true);

    const { frame } = await joinStage(e, stage.id, token);
    expect(frame).toMatchObject({
      type: 'welcome',
      self: { id: 'viewer-42', userId: 'ana', attributes: { source: 'app' }, capabilities: { publish: false, subscribe: true } },
    });
  });

  it('a token without kid is accepted when an imported key verifies it', async () => {
    const e = await start();
    const stage = await createStage(e);
    const { privateKey, pem } = p384();
    await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: p384().pem }));
    await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem }));
    const token = await selfSign(privateKey, stage, { participantId: 'no-kid' });
    expect((await joinStage(e, stage.id, token)).frame).toMatchObject({ type: 'welcome', self: { id: 'no-kid' } });
  });

  it('a token signed by a key that was never imported is refused as forged', async () => {
    const e = await start();
    const stage = await createStage(e);
    const imported = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: p384().pem }));
    const stranger = p384().privateKey;
    for (const kid of [imported.publicKey!.arn!, undefined]) {
      const token = await selfSign(stranger, stage, { kid, participantId: 'intruder' });
      expect((await joinStage(e, stage.id, token)).frame).toMatchObject({ type: 'error', code: 'token-forged' });
    }
  });

  it('deleting the public key revokes its tokens for new joins', async () => {
    const e = await start();
    const stage = await createStage(e);
    const { privateKey, pem } = p384();
    const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem }));
    const token = await selfSign(privateKey, stage, { kid: publicKey!.arn!, participantId: 'first' });
    const first = await joinStage(e, stage.id, token);
    expect(first.frame.type).toBe('welcome');
    first.ws.close();

    await e.realtime.send(new DeletePublicKeyCommand({ arn: publicKey!.arn! }));
    const again = await selfSign(privateKey, stage, { kid: publicKey!.arn!, participantId: 'second' });
    const { frame } = await joinStage(e, stage.id, again);
    expect(frame).toMatchObject({ type: 'error', code: 'token-forged' });
    expect(frame.type === 'error' && frame.message).toContain('not imported');
  });

  it('a self-signed token for a stage that does not exist is refused with stage-not-found', async () => {
    const e = await start();
    const stage = await createStage(e);
    const { privateKey, pem } = p384();
    const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem }));
    const ghost: StageInfo = { ...stage, arn: stage.arn.replace(/[^/]+$/, 'ghostStage01'), id: 'ghostStage01' };
    const token = await selfSign(privateKey, ghost, { kid: publicKey!.arn!, participantId: 'lost' });
    expect((await joinStage(e, ghost.id, token)).frame).toMatchObject({ type: 'error', code: 'stage-not-found' });
  });

  it('an expired self-signed token is refused as expired', async () => {
    const e = await start();
    const stage = await createStage(e);
    const { privateKey, pem } = p384();
    const { publicKey } = await e.realtime.send(new ImportPublicKeyCommand({ publicKeyMaterial: pem }));
    const token = await selfSign(privateKey, stage, { kid: publicKey!.arn!, participantId: 'late', expiresInSeconds: -10 });
    expect((await joinStage(e, stage.id, token)).frame).toMatchObject({ type: 'error', code: 'token-expired' });
  });
});
