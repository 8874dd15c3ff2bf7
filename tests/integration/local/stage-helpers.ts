/**
 * Shared setup for the stage media tests: an ivs-local with the stage media module, tokens minted
 * through the real IVSRealTimeClient, a raw events-socket client that records frames, and SDP
 * offers from werift's RTCPeerConnection.createOffer() (no ICE gathering: no media moves).
 */
import {
  CreateParticipantTokenCommand,
  CreateStageCommand,
  GetStageCommand,
  ImportPublicKeyCommand,
  type ParticipantTokenCapability,
} from '@aws-sdk/client-ivs-realtime';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { RTCPeerConnection, RTCRtpCodecParameters, useOPUS, useVP8 } from 'werift';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { createStageMediaModule, type StageMediaOptions } from '../../../packages/ivs-local/src/stage-media';
import type { LocalStageHttpError, ServerFrame } from '../../../src/local-stage/protocol';
import { startEmulator, stopEmulator, type Emulator } from './helpers';

/** One emulator per test, with a clock the test can shift (token expiry). */
export class StageTestEnv {
  emulator: Emulator | undefined;
  clockOffsetMs = 0;
  readonly sockets: WebSocket[] = [];

  async start(options: StageMediaOptions & { log?: (m: string) => void } = {}): Promise<Emulator> {
    this.emulator = await startEmulator({
      modules: [(context) => createStageMediaModule(context.hub, { now: () => new Date(Date.now() + this.clockOffsetMs), ...options })],
    });
    return this.emulator;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets.splice(0)) ws.terminate();
    await stopEmulator(this.emulator);
    this.emulator = undefined;
    this.clockOffsetMs = 0;
  }
}

export async function createStage(e: Emulator, name = 'stage-test'): Promise<{ arn: string; id: string }> {
  const { stage } = await e.realtime.send(new CreateStageCommand({ name }));
  const arn = stage!.arn!;
  return { arn, id: arn.split('/').pop()! };
}

export async function mint(
  e: Emulator,
  stageArn: string,
  options: { userId?: string; capabilities?: ParticipantTokenCapability[]; attributes?: Record<string, string>; duration?: number } = {},
): Promise<{ token: string; participantId: string }> {
  const { participantToken } = await e.realtime.send(
    new CreateParticipantTokenCommand({
      stageArn,
      userId: options.userId ?? 'user',
      capabilities: options.capabilities ?? ['PUBLISH', 'SUBSCRIBE'],
      attributes: options.attributes ?? {},
      duration: options.duration ?? 60,
    }),
  );
  return { token: participantToken!.token!, participantId: participantToken!.participantId! };
}

/** A raw events-socket client that records every frame it receives. */
export class EventsClient {
  readonly frames: ServerFrame[] = [];
  readonly ws: WebSocket;
  closeCode: number | undefined;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(env: StageTestEnv, stageId: string) {
    this.ws = new WebSocket(`${env.emulator!.ivs.wsUrl}/stage/${stageId}/events`);
    env.sockets.push(this.ws);
    this.ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as ServerFrame));
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve((this.closeCode = code))));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first recorded frame (past or future) of `type` matching `predicate`. */
  async next<T extends ServerFrame['type']>(
    type: T,
    predicate: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((f) => f.type === type && predicate(f as Extract<ServerFrame, { type: T }>));
      if (found) return found as Extract<ServerFrame, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export async function joinStage(env: StageTestEnv, stageId: string, token: string): Promise<EventsClient> {
  const client = new EventsClient(env, stageId);
  await client.opened;
  client.send({ type: 'join', token });
  await client.next('welcome');
  return client;
}

export const H264 = (): RTCRtpCodecParameters =>
  new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, parameters: 'profile-level-id=42e01f;packetization-mode=1' });

/** An SDP offer as a publisher (sendonly) or viewer (recvonly) would send, without candidates. */
export async function offer(
  direction: 'sendonly' | 'recvonly',
  video: RTCRtpCodecParameters[] | null = [useVP8()],
  audio = true,
): Promise<string> {
  const pc = new RTCPeerConnection({ iceServers: [], codecs: { audio: [useOPUS()], video: video ?? [useVP8()] } });
  if (audio) pc.addTransceiver('audio', { direction });
  if (video) pc.addTransceiver('video', { direction });
  const { sdp } = await pc.createOffer();
  await pc.close();
  return sdp;
}

export function post(e: Emulator, path: string, body: string, token?: string, contentType = 'application/sdp'): Promise<Response> {
  return fetch(`${e.ivs.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': contentType, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body,
  });
}

export async function errorOf(response: Response): Promise<LocalStageHttpError> {
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  return (await response.json()) as LocalStageHttpError;
}

/** Signs participant tokens the way an app backend does: its own P-384 key, imported with ImportPublicKey. */
export async function selfSigner(e: Emulator, stageArn: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const imported = await e.realtime.send(
    new ImportPublicKeyCommand({ publicKeyMaterial: publicKey.export({ format: 'pem', type: 'spki' }).toString(), name: `self-${Date.now()}` }),
  );
  const endpoints = (await e.realtime.send(new GetStageCommand({ arn: stageArn }))).stage!.endpoints!;
  return (claims: { participantId: string; userId?: string; attributes?: Record<string, string>; publish?: boolean }): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      resource: stageArn,
      topic: stageArn.split('/').pop(),
      events_url: endpoints.events,
      whip_url: endpoints.whip,
      capabilities: { allow_publish: claims.publish ?? true, allow_subscribe: true },
      user_id: claims.userId ?? 'self-signed',
      attributes: claims.attributes ?? {},
      version: '1.0',
    })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: imported.publicKey!.arn! })
      .setJti(claims.participantId)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
  };
}
