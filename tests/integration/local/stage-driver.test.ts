/**
 * The LocalStage driver against a real ivs-local events socket (Node's `ws` as the WebSocket), with
 * tokens from the real IVSRealTimeClient. Nobody publishes, so no peer connection is ever created
 * and no media moves; media runs in Chromium in the end-to-end tests.
 */
import {
  CreateParticipantTokenCommand,
  CreateStageCommand,
  DeleteStageCommand,
  DisconnectParticipantCommand,
  type ParticipantTokenCapability,
} from '@aws-sdk/client-ivs-realtime';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LocalStage } from '../../../src/local-stage';
import { createStageMediaModule } from '../../../packages/ivs-local/src/stage-media';
import { DriverErrorCode, type DriverStageError, type DriverStrategy } from '../../../src/stage/driver';
import { startEmulator, stopEmulator, type Emulator } from './helpers';

let emulator: Emulator | undefined;
const stages: LocalStage[] = [];
const sockets: WebSocket[] = [];

/** `ws`'s WebSocket, remembering every instance so a test can cut a connection. */
class TrackedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    sockets.push(this);
  }
}

/** Never constructed in these tests: nobody publishes. */
class UnusedPeerConnection {
  constructor() {
    throw new Error('no peer connection expected in this test');
  }
}

const viewer: DriverStrategy = {
  stageStreamsToPublish: () => [],
  shouldPublishParticipant: () => false,
  shouldSubscribeToParticipant: () => 'audio_video',
};

afterEach(async () => {
  for (const stage of stages.splice(0)) stage.leave();
  sockets.length = 0;
  await stopEmulator(emulator);
  emulator = undefined;
});

async function setup(): Promise<{ e: Emulator; stageArn: string }> {
  emulator = await startEmulator({ modules: [(context) => createStageMediaModule(context.hub, { heartbeatIntervalMs: 1000 })] });
  const { stage } = await emulator.realtime.send(new CreateStageCommand({ name: 'driver-test' }));
  return { e: emulator, stageArn: stage!.arn! };
}

async function mint(e: Emulator, stageArn: string, userId: string, capabilities: ParticipantTokenCapability[] = ['SUBSCRIBE']) {
  const { participantToken } = await e.realtime.send(new CreateParticipantTokenCommand({ stageArn, userId, capabilities }));
  return { token: participantToken!.token!, participantId: participantToken!.participantId! };
}

function createStage(token: string) {
  const stage = new LocalStage(token, viewer, {
    WebSocket: TrackedWebSocket as unknown as typeof globalThis.WebSocket,
    RTCPeerConnection: UnusedPeerConnection as unknown as typeof RTCPeerConnection,
    fetch: (input, init) => fetch(input, init),
    reconnect: { minDelayMs: 50, maxDelayMs: 200, giveUpAfterMs: 5000 },
  });
  stages.push(stage);
  const events: Array<[string, ...unknown[]]> = [];
  for (const name of ['stageConnectionStateChanged', 'stageParticipantJoined', 'stageParticipantLeft', 'stageLeft', 'error'] as const) {
    stage.on(name, ((...args: unknown[]) => events.push([name, ...args])) as never);
  }
  return { stage, events };
}

async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LocalStage against ivs-local', () => {
  it('joins, sees the others arrive and leave, and leaves with user-initiated', async () => {
    const { e, stageArn } = await setup();
    const alice = await mint(e, stageArn, 'alice');
    const bob = await mint(e, stageArn, 'bob');
    const a = createStage(alice.token);
    await a.stage.join();
    const b = createStage(bob.token);
    await b.stage.join();
    await until(() => a.events.some((ev) => ev[0] === 'stageParticipantJoined' && (ev[1] as { id: string }).id === bob.participantId));
    const seenByBob = b.events.filter((ev) => ev[0] === 'stageParticipantJoined').map((ev) => ev[1] as { id: string; userId: string; isLocal: boolean });
    expect(seenByBob.map((p) => [p.userId, p.isLocal])).toEqual([
      ['bob', true],
      ['alice', false],
    ]);
    b.stage.leave();
    expect(b.events.filter((ev) => ev[0] === 'stageLeft').map((ev) => ev[1])).toEqual(['user-initiated']);
    await until(() => a.events.some((ev) => ev[0] === 'stageParticipantLeft'));
  });

  it('join() with a token of a deleted stage rejects with STAGE_DELETED', async () => {
    const { e, stageArn } = await setup();
    const { token } = await mint(e, stageArn, 'late');
    await e.realtime.send(new DeleteStageCommand({ arn: stageArn }));
    const { stage, events } = createStage(token);
    await expect(stage.join()).rejects.toMatchObject({ code: DriverErrorCode.STAGE_DELETED, category: 'JOIN_ERROR' });
    expect(events.filter((ev) => ev[0] === 'stageConnectionStateChanged').map((ev) => ev[1])).toEqual(['connecting', 'errored']);
  });

  it('a second stage joining with the same token ends the first with token-reused', async () => {
    const { e, stageArn } = await setup();
    const { token } = await mint(e, stageArn, 'twice');
    const first = createStage(token);
    await first.stage.join();
    const second = createStage(token);
    await second.stage.join();
    await until(() => first.events.some((ev) => ev[0] === 'stageLeft'));
    expect(first.events.filter((ev) => ev[0] === 'stageLeft').map((ev) => ev[1])).toEqual(['token-reused']);
    expect(second.events.some((ev) => ev[0] === 'stageLeft')).toBe(false);
  });

  it('DeleteStage ends the stage with stage-deleted; DisconnectParticipant with participant-disconnected', async () => {
    const { e, stageArn } = await setup();
    const kicked = await mint(e, stageArn, 'kicked');
    const k = createStage(kicked.token);
    await k.stage.join();
    await e.realtime.send(new DisconnectParticipantCommand({ stageArn, participantId: kicked.participantId }));
    await until(() => k.events.some((ev) => ev[0] === 'stageLeft'));
    expect(k.events.filter((ev) => ev[0] === 'stageLeft').map((ev) => ev[1])).toEqual(['participant-disconnected']);
    expect((k.events.find((ev) => ev[0] === 'error')?.[1] as DriverStageError).code).toBe(DriverErrorCode.PARTICIPANT_DISCONNECTED);

    const other = createStage((await mint(e, stageArn, 'other')).token);
    await other.stage.join();
    await e.realtime.send(new DeleteStageCommand({ arn: stageArn }));
    await until(() => other.events.some((ev) => ev[0] === 'stageLeft'));
    expect(other.events.filter((ev) => ev[0] === 'stageLeft').map((ev) => ev[1])).toEqual(['stage-deleted']);
  });

  it('reconnects after the connection is cut, keeping its participant id', async () => {
    const { e, stageArn } = await setup();
    const alice = await mint(e, stageArn, 'alice');
    const watcher = createStage((await mint(e, stageArn, 'watcher')).token);
    await watcher.stage.join();
    const a = createStage(alice.token);
    await a.stage.join();
    const socket = sockets[sockets.length - 1]!;
    (socket as unknown as { _socket: { destroy(): void } })._socket.destroy();
    await until(() => a.events.filter((ev) => ev[0] === 'stageConnectionStateChanged' && ev[1] === 'connected').length === 2);
    expect(a.events.filter((ev) => ev[0] === 'stageConnectionStateChanged').map((ev) => ev[1])).toEqual([
      'connecting',
      'connected',
      'connecting',
      'connected',
    ]);
    expect(a.events.some((ev) => ev[0] === 'stageLeft')).toBe(false);
    // Within the server's reconnect grace period the watcher never saw the participant leave.
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.events.filter((ev) => ev[0] === 'stageParticipantJoined' && (ev[1] as { id: string }).id === alice.participantId)).toHaveLength(1);
    expect(watcher.events.some((ev) => ev[0] === 'stageParticipantLeft')).toBe(false);
  });
});
