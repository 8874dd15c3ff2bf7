// @vitest-environment happy-dom
/**
 * The grid driven by the real StageSession over the FakeStage driver (the only fake: the IVS stage
 * media service cannot be reached offline). Every DOM change here comes from session events.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { StageGrid } from '../../../src/grid/stage-grid';
import { ActiveSpeakerDetector } from '../../../src/media/active-speaker';
import { StageSession } from '../../../src/stage/stage-session';
import type { DriverParticipantInfo, DriverStream } from '../../../src/stage/driver';
import { FakeMediaDevices, FakeStageDriver, participantInfo, participantToken, remoteStream } from '../../fakes/fake-stage';
import { FakeResizeObserver, flush, stubPlay, tracksOf } from './helpers';

let container: HTMLElement;
let driver: FakeStageDriver;
let devices: FakeMediaDevices;
let session: StageSession;
let grid: StageGrid | undefined;

function tileIds(): string[] {
  return [...container.querySelectorAll<HTMLElement>('.ivs-tile')].map((tile) => tile.dataset['participantId'] ?? '');
}

function tile(id: string): HTMLElement {
  const element = grid?.getTileElement(id);
  if (!element) throw new Error(`no tile for ${id}`);
  return element;
}

/** Joins as `me` (publishing camera + microphone) and completes the connection on the fake stage. */
async function joinAsMe(): Promise<void> {
  const joining = session.join({ token: participantToken({ participantId: 'me', attributes: { displayName: 'Me' } }), publish: true });
  await flush();
  driver.stage.connect();
  await joining;
}

/** A remote participant that joins and publishes audio + video. */
function remoteJoins(id: string, name: string): { info: DriverParticipantInfo; audio: DriverStream; video: DriverStream } {
  const info = participantInfo({ id, attributes: { displayName: name }, isPublishing: true });
  const audio = remoteStream('audio');
  const video = remoteStream('video');
  driver.stage.emitJoined(info);
  driver.stage.emitStreamsAdded(info, [audio, video]);
  return { info, audio, video };
}

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  driver = new FakeStageDriver();
  devices = new FakeMediaDevices();
  session = new StageSession({ stageFactory: () => driver, mediaDevices: devices });
  FakeResizeObserver.install();
  stubPlay('resolve');
});

afterEach(async () => {
  grid?.destroy();
  grid = undefined;
  await session.dispose();
  container.remove();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('StageGrid driven by a StageSession', () => {
  test('shows the connection state, then the local tile with its camera and without its microphone', async () => {
    grid = new StageGrid(container, session);
    const banner = container.querySelector<HTMLElement>('.ivs-grid__banner')!;
    expect(tileIds()).toEqual([]);

    const joining = session.join({ token: participantToken({ participantId: 'me', attributes: { displayName: 'Me' } }), publish: true });
    expect([banner.hidden, banner.textContent]).toEqual([false, 'Connecting…']);
    await flush();
    driver.stage.connect();
    await joining;

    expect(banner.hidden).toBe(true);
    expect(tileIds()).toEqual(['me']);
    const local = session.localParticipant!;
    expect(tile('me').querySelector('.ivs-tile__name')!.textContent).toBe('Me (you)');
    expect(tracksOf(tile('me').querySelector('video'))).toEqual([local.videoTrack]);
    expect(local.audioTrack).toBeDefined();
    expect(container.querySelectorAll('audio')).toHaveLength(0);
  });

  test('remote participants get tiles with their audio and video, in join order after the local tile', async () => {
    grid = new StageGrid(container, session);
    await joinAsMe();
    const alice = remoteJoins('alice', 'Alice');
    const bob = remoteJoins('bob', 'Bob');

    expect(tileIds()).toEqual(['me', 'alice', 'bob']);
    expect(tracksOf(tile('alice').querySelector('video'))).toEqual([alice.video.mediaStreamTrack]);
    expect(tracksOf(tile('alice').querySelector('audio'))).toEqual([alice.audio.mediaStreamTrack]);
    expect(tracksOf(tile('bob').querySelector('audio'))).toEqual([bob.audio.mediaStreamTrack]);
    expect(grid.layout.columns * grid.layout.rows).toBeGreaterThanOrEqual(3);
  });

  test('mute changes update the marks and keep every <video> element and its srcObject', async () => {
    grid = new StageGrid(container, session);
    await joinAsMe();
    const alice = remoteJoins('alice', 'Alice');
    const aliceVideo = tile('alice').querySelector('video')!;
    const localVideo = tile('me').querySelector('video')!;
    const aliceStream = aliceVideo.srcObject;
    const localStream = localVideo.srcObject;
    const setSrcObject = vi.spyOn(HTMLMediaElement.prototype, 'srcObject', 'set');

    driver.stage.emitMuteChanged(alice.info, { ...alice.audio, isMuted: true });
    driver.stage.emitMuteChanged(alice.info, { ...alice.video, isMuted: true });
    session.setMuted({ audio: true });
    remoteJoins('bob', 'Bob');

    expect(tile('alice').classList.contains('ivs-tile--muted')).toBe(true);
    expect(tile('alice').classList.contains('ivs-tile--no-video')).toBe(true);
    expect(tile('me').querySelector<HTMLElement>('.ivs-tile__mark--mic')!.hidden).toBe(false);
    expect(tile('alice').querySelector('video')).toBe(aliceVideo);
    expect(tile('me').querySelector('video')).toBe(localVideo);
    expect(aliceVideo.srcObject).toBe(aliceStream);
    expect(localVideo.srcObject).toBe(localStream);
    const assignedTo = setSrcObject.mock.contexts as HTMLMediaElement[];
    expect(assignedTo).not.toContain(aliceVideo);
    expect(assignedTo).not.toContain(localVideo);
  });

  test('a participant that leaves loses its tile; leaving the stage empties the grid', async () => {
    grid = new StageGrid(container, session);
    const removed = vi.fn();
    grid.on('tileRemoved', removed);
    await joinAsMe();
    const alice = remoteJoins('alice', 'Alice');
    remoteJoins('bob', 'Bob');

    driver.stage.emitParticipantLeft(alice.info);
    expect(tileIds()).toEqual(['me', 'bob']);

    await session.leave();
    expect(tileIds()).toEqual([]);
    expect(removed).toHaveBeenCalledTimes(3);
    const banner = container.querySelector<HTMLElement>('.ivs-grid__banner')!;
    expect(session.state).toBe('disconnected');
    expect([banner.hidden, banner.textContent]).toEqual([false, 'Disconnected']);
  });

  test('a grid created after joining renders the participants already there', async () => {
    await joinAsMe();
    remoteJoins('alice', 'Alice');
    grid = new StageGrid(container, session, { showLocal: false });
    expect(tileIds()).toEqual(['alice']);
  });

  test('autoplay refusals for many remote participants produce one event and one button', async () => {
    stubPlay((element) => (element instanceof HTMLAudioElement ? Promise.reject(new DOMException('no gesture', 'NotAllowedError')) : Promise.resolve()));
    grid = new StageGrid(container, session);
    const blocked = vi.fn();
    grid.on('autoplayBlocked', blocked);
    await joinAsMe();
    remoteJoins('alice', 'Alice');
    remoteJoins('bob', 'Bob');
    await flush();

    expect(blocked).toHaveBeenCalledTimes(1);
    expect(blocked.mock.calls[0]![0]).toMatchObject({ participant: { id: 'alice' }, kind: 'audio' });
    expect(container.querySelectorAll('.ivs-grid__play')).toHaveLength(1);
  });

  test('destroy() detaches from the session without touching its tracks', async () => {
    container.setAttribute('class', 'host-app');
    const before = container.outerHTML;
    grid = new StageGrid(container, session);
    await joinAsMe();
    remoteJoins('alice', 'Alice');
    const listenersBefore = session.listenerCount('participantJoined');

    grid.destroy();
    expect(container.outerHTML).toBe(before);
    expect(session.listenerCount('participantJoined')).toBe(listenersBefore - 1);
    expect(devices.liveTracks).toHaveLength(2);
    remoteJoins('bob', 'Bob');
    expect(container.outerHTML).toBe(before);
  });

  test('a real ActiveSpeakerDetector on the session sets the speaking mark and --ivs-audio-level of the tile', async () => {
    grid = new StageGrid(container, session);
    await joinAsMe();
    // Alice's audio reports the energy counters of a constant 0.5 RMS tone: energy grows by 0.5² per second.
    let seconds = 0;
    const stats = () => {
      seconds += 0.1;
      const entry = { id: 'in', type: 'inbound-rtp', kind: 'audio', totalAudioEnergy: 0.25 * seconds, totalSamplesDuration: seconds };
      return Promise.resolve(new Map([['in', entry]]) as unknown as RTCStatsReport);
    };
    const info = participantInfo({ id: 'alice', attributes: { displayName: 'Alice' }, isPublishing: true });
    driver.stage.emitJoined(info);
    driver.stage.emitStreamsAdded(info, [{ ...remoteStream('audio'), getStats: stats }, remoteStream('video')]);
    await flush();
    const detector = new ActiveSpeakerDetector(session, { intervalMs: 20, includeLocal: false });
    const heard = new Promise<void>((resolve) => session.once('speakersChanged', () => resolve()));
    await heard;
    const level = Number(tile('alice').style.getPropertyValue('--ivs-audio-level'));
    expect(level).toBeCloseTo(0.5, 2);
    expect(tile('alice').classList.contains('ivs-tile--speaking')).toBe(true);
    detector.dispose();
    expect(tile('alice').style.getPropertyValue('--ivs-audio-level')).toBe('');
  });
});
