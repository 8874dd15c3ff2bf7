import { vi } from 'vitest';
import { TypedEmitter } from '../../../src/core/emitter';
import { StageGrid, type StageGridSource } from '../../../src/grid/stage-grid';
import type { ParticipantIndicators } from '../../../src/grid/labels';
import type { Participant, ParticipantChange, ParticipantStream, StageSessionEvents, StageSessionState } from '../../../src/stage/types';

let trackSeq = 0;

/** A `MediaStreamTrack`-like: happy-dom has no capture devices, the grid only passes tracks along. */
export function fakeTrack(kind: 'audio' | 'video'): MediaStreamTrack {
  trackSeq += 1;
  return { id: `${kind}-${trackSeq}`, kind, enabled: true, readyState: 'live', stop: vi.fn() } as unknown as MediaStreamTrack;
}

/** A participant snapshot with sensible defaults. */
export function participant(id: string, fields: Partial<Participant & ParticipantIndicators> = {}): Participant {
  const base: Participant = {
    id,
    userId: '',
    attributes: {},
    userInfo: {},
    isLocal: false,
    capabilities: { publish: true, subscribe: true },
    isPublishing: false,
    publishState: 'not-published',
    subscribeState: 'not-subscribed',
    audioTrack: undefined,
    videoTrack: undefined,
    audioMuted: false,
    videoMuted: false,
    streams: [],
  };
  const merged = { ...base, ...fields };
  const streams: ParticipantStream[] = [];
  if (merged.audioTrack) streams.push({ id: merged.audioTrack.id, kind: 'audio', track: merged.audioTrack, muted: merged.audioMuted });
  if (merged.videoTrack) streams.push({ id: merged.videoTrack.id, kind: 'video', track: merged.videoTrack, muted: merged.videoMuted });
  return { ...merged, streams, isPublishing: streams.length > 0 || merged.isPublishing };
}

/** A participant with a camera and a microphone. */
export function publisher(id: string, fields: Partial<Participant & ParticipantIndicators> = {}): Participant {
  return participant(id, { audioTrack: fakeTrack('audio'), videoTrack: fakeTrack('video'), ...fields });
}

/**
 * A minimal session-shaped source: holds snapshots and emits the session's events, so grid
 * tests can drive every event precisely (the real StageSession is exercised in stage-grid.session.test.ts).
 */
export class TestSource extends TypedEmitter<StageSessionEvents> implements StageGridSource {
  state: StageSessionState = 'connected';
  #participants = new Map<string, Participant>();

  get participants(): readonly Participant[] {
    return [...this.#participants.values()];
  }

  /** Sets participants without emitting (as if events had been missed). */
  set(participants: Participant[]): void {
    this.#participants = new Map(participants.map((p) => [p.id, p]));
  }

  join(p: Participant): Participant {
    this.#participants.set(p.id, p);
    this.emit('participantJoined', { participant: p });
    return p;
  }

  leave(id: string): void {
    const p = this.#participants.get(id);
    if (!p) throw new Error(`no participant ${id}`);
    this.#participants.delete(id);
    this.emit('participantLeft', { participant: p });
  }

  /** Replaces a snapshot and emits participantUpdated (and streamsChanged/muteChanged when relevant). */
  update(id: string, fields: Partial<Participant & ParticipantIndicators>): Participant {
    const previous = this.#participants.get(id);
    if (!previous) throw new Error(`no participant ${id}`);
    const next = participant(id, { ...previous, ...fields });
    this.#participants.set(id, next);
    const changes: ParticipantChange[] = [];
    if (next.audioTrack !== previous.audioTrack || next.videoTrack !== previous.videoTrack) changes.push('streams');
    if (next.audioMuted !== previous.audioMuted || next.videoMuted !== previous.videoMuted) changes.push('mute');
    if (next.attributes !== previous.attributes) changes.push('attributes');
    this.emit('participantUpdated', { participant: next, previous, changes });
    if (changes.includes('streams')) {
      const added = next.streams.filter((s) => !previous.streams.some((p) => p.track === s.track));
      const removed = previous.streams.filter((s) => !next.streams.some((n) => n.track === s.track));
      this.emit('streamsChanged', { participant: next, added, removed });
    }
    if (next.audioMuted !== previous.audioMuted) this.emit('muteChanged', { participant: next, kind: 'audio', muted: next.audioMuted });
    if (next.videoMuted !== previous.videoMuted) this.emit('muteChanged', { participant: next, kind: 'video', muted: next.videoMuted });
    return next;
  }

  /** Emits `speakersChanged` as the session does (with an ActiveSpeakerDetector attached). */
  speakers(speakers: string[], audioLevels: Record<string, number> = {}): void {
    this.emit('speakersChanged', { speakers, audioLevels });
  }

  /** Emits `qualityChanged` as the session does (with a NetworkQualityMonitor attached). */
  quality(participantId: string, quality: 'good' | 'poor' | 'lost'): void {
    const stats = { packetLossPercent: 0, jitterMs: 0, rttMs: undefined, framesPerSecond: undefined, packetsReceived: quality === 'lost' ? 0 : 50 };
    this.emit('qualityChanged', { participantId, quality, previous: undefined, stats });
  }

  setState(state: StageSessionState): void {
    const previous = this.state;
    this.state = state;
    this.emit('stateChanged', { state, previous });
  }

  /** Total listeners on the events the grid uses. */
  totalListeners(): number {
    const events = ['participantJoined', 'participantLeft', 'participantUpdated', 'streamsChanged', 'muteChanged', 'stateChanged', 'left', 'speakersChanged', 'qualityChanged'] as const;
    return events.reduce((sum, event) => sum + this.listenerCount(event), 0);
  }
}

/**
 * A `ResizeObserver` stand-in installed as the global (happy-dom's observes nothing): records
 * what is observed and lets a test deliver a size, as the browser would after layout.
 */
export class FakeResizeObserver {
  static instances: FakeResizeObserver[] = [];
  readonly observed = new Set<Element>();
  #callback: ResizeObserverCallback;

  constructor(callback: ResizeObserverCallback) {
    this.#callback = callback;
    FakeResizeObserver.instances.push(this);
  }

  observe(target: Element): void {
    this.observed.add(target);
  }

  unobserve(target: Element): void {
    this.observed.delete(target);
  }

  disconnect(): void {
    this.observed.clear();
  }

  /** Delivers a content-box size for `target`, if observed. */
  resize(target: Element, width: number, height: number): void {
    if (!this.observed.has(target)) return;
    const entry = {
      target,
      contentRect: { width, height, x: 0, y: 0, top: 0, left: 0, right: width, bottom: height },
      contentBoxSize: [{ inlineSize: width, blockSize: height }],
      borderBoxSize: [{ inlineSize: width, blockSize: height }],
      devicePixelContentBoxSize: [],
    } as unknown as ResizeObserverEntry;
    this.#callback([entry], this as unknown as ResizeObserver);
  }

  /** Installs a fresh fake as `globalThis.ResizeObserver` (restore with `vi.unstubAllGlobals()`). */
  static install(): void {
    FakeResizeObserver.instances = [];
    vi.stubGlobal('ResizeObserver', class extends FakeResizeObserver {});
  }
}

/** `play()` outcome of the (stubbed) browser for the rest of the test. */
export function stubPlay(outcome: 'resolve' | 'NotAllowedError' | 'AbortError' | ((element: HTMLMediaElement) => Promise<void>)) {
  return vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(function (this: HTMLMediaElement) {
    if (typeof outcome === 'function') return outcome(this);
    if (outcome === 'resolve') return Promise.resolve();
    const message = outcome === 'NotAllowedError' ? "play() failed because the user didn't interact with the document first." : 'The play() request was interrupted.';
    return Promise.reject(new DOMException(message, outcome));
  });
}

/** Lets pending promise callbacks (play() outcomes) run. */
export async function flush(): Promise<void> {
  // StageSession loads its connection engine on the first join (dynamic import, like the driver):
  // let that load finish before counting microtasks.
  await import('../../../src/stage/stage-connection');
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** The tracks currently attached to a media element. */
export function tracksOf(element: HTMLMediaElement | null | undefined): MediaStreamTrack[] {
  const stream = element?.srcObject as MediaStream | null | undefined;
  // happy-dom's MediaStream has no getTracks().
  return stream ? [...stream.getAudioTracks(), ...stream.getVideoTracks()] : [];
}

/**
 * Per-test DOM for grid tests: no leftover stylesheet, a fresh `#stage` container in the body, a
 * fresh {@link TestSource}, the fake ResizeObserver, and `play()` that resolves.
 */
export function freshGridDom(): { container: HTMLElement; source: TestSource } {
  document.head.querySelectorAll('style').forEach((style) => style.remove());
  const container = document.createElement('div');
  container.id = 'stage';
  document.body.append(container);
  FakeResizeObserver.install();
  stubPlay('resolve');
  return { container, source: new TestSource() };
}

/** Destroys the grids a test mounted, removes its container and undoes its stubs. */
export function destroyGrids(grids: StageGrid[], container: HTMLElement): void {
  for (const grid of grids.splice(0)) grid.destroy();
  container.remove();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
}

/**
 * Loads the grid's renderer chunk once for the test file, so that grids render in their
 * constructor as they do in an app once it has loaded (tests/unit/grid/stage-grid.lazy.test.ts
 * covers the grid before that).
 */
export async function loadGridRenderer(): Promise<void> {
  const container = document.createElement('div');
  document.body.append(container);
  const grid = new StageGrid(container, new TestSource());
  await grid.load();
  grid.destroy();
  container.remove();
}
