/**
 * The e2e harness page: an application of `aws-ivs-realtime` (imported like any app would), with a
 * small test API on `window.harness` (see `api.ts`). The specs drive it from Playwright.
 */
import { clockTrack, readClock } from './clock';
import { observed } from './instrument';
(await import('./beyond')).installBeyond(); // window.harnessBeyond: opt-in media features (beyond-*.spec.ts)
(await import('./driver-layers')).installDriverLayers(); // window.harnessDriver: the local stage driver itself (driver-layers.spec.ts)
import { IvsRealtimeError, StageGrid, StageSession } from 'aws-ivs-realtime';
import type { Participant } from 'aws-ivs-realtime';
import type {
  HarnessApi,
  HarnessError,
  HarnessEvent,
  HarnessGridPages,
  HarnessInbound,
  HarnessOutbound,
  HarnessResult,
  HarnessSessionOptions,
  HarnessSnapshot,
  HarnessStats,
} from './api';

const container = document.querySelector<HTMLElement>('#stage')!;
let session: StageSession | undefined;
let grid: StageGrid | undefined;
const events: HarnessEvent[] = [];

// ---- frames presented by every <video>, counted with requestVideoFrameCallback ----------------

const framesPresented = new WeakMap<HTMLVideoElement, number>();
const elementIds = new WeakMap<HTMLVideoElement, number>();
let nextElementId = 1;
/** Armed by `armFirstRemoteFrame()`; resolved by the first frame of a remote tile. */
let firstFrame: { start: number; resolve: (ms: number) => void } | undefined;
let firstFramePromise: Promise<number> | undefined;

function watchVideo(video: HTMLVideoElement): void {
  if (framesPresented.has(video)) return;
  framesPresented.set(video, 0);
  elementIds.set(video, nextElementId++);
  const onFrame: VideoFrameRequestCallback = () => {
    framesPresented.set(video, (framesPresented.get(video) ?? 0) + 1);
    if (firstFrame && !video.closest('.ivs-tile--local')) {
      firstFrame.resolve(performance.now() - firstFrame.start);
      firstFrame = undefined;
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node instanceof HTMLVideoElement) watchVideo(node);
      else if (node instanceof HTMLElement) node.querySelectorAll('video').forEach(watchVideo);
    }
  }
}).observe(document.body, { childList: true, subtree: true });

// ---- helpers ------------------------------------------------------------------------------------

function flatten(error: unknown): HarnessError {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    name: str(record['name']) ?? typeof error,
    message: str(record['message']) ?? String(error),
    code: str(record['code']),
    reason: str(record['reason']),
    category: str(record['category']),
    isIvsRealtimeError: error instanceof IvsRealtimeError,
  };
}

async function run(action: () => unknown): Promise<HarnessResult> {
  const at = Date.now();
  const start = performance.now();
  try {
    await action();
    return { ok: true, at, ms: performance.now() - start };
  } catch (error) {
    return { ok: false, at, ms: performance.now() - start, error: flatten(error) };
  }
}

function runSync(action: () => unknown): HarnessResult {
  const at = Date.now();
  const start = performance.now();
  try {
    action();
    return { ok: true, at, ms: performance.now() - start };
  } catch (error) {
    return { ok: false, at, ms: performance.now() - start, error: flatten(error) };
  }
}

function record(type: string, detail: Record<string, unknown>): void {
  events.push({ at: Date.now(), type, detail });
  if (events.length > 2000) events.splice(0, events.length - 2000);
}

function describe(p: Participant) {
  return { id: p.id, isLocal: p.isLocal, audioMuted: p.audioMuted, videoMuted: p.videoMuted, isPublishing: p.isPublishing };
}

function ensureSession(options: HarnessSessionOptions = {}): StageSession {
  if (session) return session;
  const created = new StageSession(options);
  created.on('stateChanged', ({ state, previous }) => record('stateChanged', { state, previous }));
  created.on('participantJoined', ({ participant }) => record('participantJoined', describe(participant)));
  created.on('participantLeft', ({ participant }) => record('participantLeft', describe(participant)));
  created.on('participantUpdated', ({ participant, changes }) => record('participantUpdated', { ...describe(participant), changes }));
  created.on('streamsChanged', ({ participant, added, removed }) =>
    record('streamsChanged', { id: participant.id, added: added.map((s) => s.kind), removed: removed.map((s) => s.kind) }),
  );
  created.on('muteChanged', ({ participant, kind, muted }) => record('muteChanged', { id: participant.id, isLocal: participant.isLocal, kind, muted }));
  created.on('publishingChanged', ({ publishing }) => record('publishingChanged', { publishing }));
  created.on('subscriberCountChanged', ({ count }) => record('subscriberCountChanged', { count }));
  created.on('error', ({ error }) => record('error', { ...flatten(error) }));
  created.on('inBandMessage', ({ participant, payload, uuid }) =>
    record('inBandMessage', { id: participant.id, text: new TextDecoder().decode(payload), bytes: payload.byteLength, uuid }),
  );
  created.on('layersChanged', ({ participant, layers, reason }) =>
    record('layersChanged', {
      id: participant.id,
      reason,
      available: layers.available.map((layer) => layer.label),
      selected: layers.selected?.label,
      selectedWidth: layers.selected?.width,
      adapting: layers.adapting,
    }),
  );
  created.on('left', ({ reason, error }) => record('left', { reason, error: error ? flatten(error) : undefined }));
  session = created;
  return created;
}

function mediaOption(value: MediaTrackConstraints | boolean | undefined) {
  return value === undefined ? undefined : value;
}

// ---- the API ------------------------------------------------------------------------------------

const harness: HarnessApi = {
  createSession: (options) =>
    runSync(() => {
      if (session) throw new Error('the page already has a session: call createSession() before join() and mountGrid()');
      ensureSession(options);
    }),

  join: ({ token, publish, video, audio, clockCanvas }) =>
    run(async () => {
      const media = clockCanvas
        ? { tracks: [clockTrack()] }
        : video === undefined && audio === undefined
          ? undefined
          : { video: mediaOption(video), audio: mediaOption(audio) };
      await ensureSession().join({ token, publish, ...(media ? { media } : {}) });
    }),

  leave: () => run(() => session?.leave()),

  dispose: () =>
    run(async () => {
      grid?.destroy();
      grid = undefined;
      await session?.dispose();
      session = undefined;
    }),

  setMuted: (muted) => runSync(() => ensureSession().setMuted(muted)),

  setPublishing: (on) => run(() => ensureSession().setPublishing(on)),

  exchangeToken: (token) => run(() => ensureSession().exchangeToken(token)),

  mountGrid: (options) =>
    runSync(() => {
      if (grid) return;
      grid = new StageGrid(container, ensureSession(), { ...options });
      grid.on('pageChanged', ({ page, pageCount }) => record('pageChanged', { page, pageCount }));
    }),

  gridPages: (): HarnessGridPages | undefined => {
    if (!grid) return undefined;
    const root = grid.element;
    const pager = root.querySelector<HTMLElement>('.ivs-grid__pager');
    const disabled = (selector: string) => root.querySelector(selector)?.getAttribute('aria-disabled') === 'true';
    return {
      page: grid.page,
      pageCount: grid.pageCount,
      pagerShown: pager !== null && !pager.hidden,
      pageText: pager?.querySelector('.ivs-grid__page')?.textContent ?? '',
      previousDisabled: disabled('.ivs-grid__prev'),
      nextDisabled: disabled('.ivs-grid__next'),
    };
  },

  setGridPage: (page) =>
    runSync(() => {
      if (!grid) throw new Error('no grid: call mountGrid() first');
      grid.setPage(page);
    }),

  pinInGrid: (participantId) =>
    runSync(() => {
      if (!grid) throw new Error('no grid: call mountGrid() first');
      if (participantId === undefined) grid.unpin();
      else grid.pin(participantId);
    }),

  sendInBandMessage: (text, repeatCount) =>
    run(() => ensureSession().sendInBandMessage(text, repeatCount === undefined ? undefined : { repeatCount })),

  snapshot: (): HarnessSnapshot => {
    const seen = observed();
    const participants = (session?.participants ?? []).map((p) => ({
      id: p.id,
      userId: p.userId,
      isLocal: p.isLocal,
      isPublishing: p.isPublishing,
      publishState: p.publishState,
      subscribeState: p.subscribeState,
      capabilities: { ...p.capabilities },
      audioMuted: p.audioMuted,
      videoMuted: p.videoMuted,
      audioTrackId: p.audioTrack?.id,
      videoTrackId: p.videoTrack?.id,
      audioTrackState: p.audioTrack?.readyState,
      videoTrackState: p.videoTrack?.readyState,
    }));
    const tiles = [...container.querySelectorAll<HTMLElement>('[data-participant-id]')].map((tile) => {
      const videos = [...tile.querySelectorAll('video')];
      const video = videos[0];
      return {
        participantId: tile.dataset['participantId'] ?? '',
        videos: videos.length,
        videoElementId: video ? elementIds.get(video) : undefined,
        framesPresented: video ? (framesPresented.get(video) ?? 0) : 0,
        videoWidth: video?.videoWidth ?? 0,
        videoHeight: video?.videoHeight ?? 0,
        cameraOffShown: tile.classList.contains('ivs-tile--no-video'),
        hidden: tile.hidden,
        videoPaused: video?.paused,
      };
    });
    return {
      hasSession: session !== undefined,
      state: session?.state ?? 'none',
      leftReason: session?.leftReason,
      publishing: session?.publishing ?? false,
      muted: session?.muted ?? { audio: false, video: false },
      participants,
      tiles,
      videoElements: document.querySelectorAll('video').length,
      audioElements: document.querySelectorAll('audio').length,
      liveTracks: seen.liveTracks.length,
      liveTrackKinds: seen.liveTracks.map((t) => t.kind),
      peerConnectionsCreated: seen.peerConnectionsCreated,
      peerConnectionsOpen: seen.openPeerConnections.length,
      webSocketsCreated: seen.webSocketsCreated,
      webSocketsOpen: seen.webSocketsOpen,
      webSocketPaths: seen.webSocketPaths,
      events: [...events],
    };
  },

  stats: async (): Promise<HarnessStats> => {
    const inbound: HarnessInbound[] = [];
    const outbound: HarnessOutbound[] = [];
    for (const pc of observed().openPeerConnections) {
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        const num = (key: string) => (typeof s[key] === 'number' ? (s[key] as number) : 0);
        const kind = s['kind'] === 'audio' ? 'audio' : 'video';
        if (s['type'] === 'inbound-rtp') {
          inbound.push({
            trackId: String(s['trackIdentifier'] ?? ''),
            kind,
            packetsReceived: num('packetsReceived'),
            bytesReceived: num('bytesReceived'),
            framesDecoded: num('framesDecoded'),
            framesPerSecond: num('framesPerSecond'),
            frameWidth: num('frameWidth'),
            frameHeight: num('frameHeight'),
            jitterBufferDelay: num('jitterBufferDelay'),
            jitterBufferTargetDelay: num('jitterBufferTargetDelay'),
            jitterBufferMinimumDelay: num('jitterBufferMinimumDelay'),
            jitterBufferEmittedCount: num('jitterBufferEmittedCount'),
          });
        } else if (s['type'] === 'outbound-rtp') {
          outbound.push({
            kind,
            packetsSent: num('packetsSent'),
            framesEncoded: num('framesEncoded'),
            framesPerSecond: num('framesPerSecond'),
            frameWidth: num('frameWidth'),
            frameHeight: num('frameHeight'),
            rid: typeof s['rid'] === 'string' ? s['rid'] : undefined,
            qualityLimitationReason: typeof s['qualityLimitationReason'] === 'string' ? s['qualityLimitationReason'] : undefined,
          });
        }
      });
    }
    return { inbound, outbound };
  },

  armFirstRemoteFrame: () => {
    let resolve!: (ms: number) => void;
    firstFramePromise = new Promise<number>((r) => (resolve = r));
    firstFrame = { start: performance.now(), resolve };
  },

  firstRemoteFrame: () => {
    if (!firstFramePromise) return Promise.reject(new Error('armFirstRemoteFrame() was not called.'));
    return firstFramePromise;
  },

  probeWhipPublish: async (token) => {
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { whip_url?: string };
    if (!claims.whip_url) throw new Error('the token has no whip_url claim');
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const pc = new RTCPeerConnection({ iceServers: [] });
    try {
      for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
        setTimeout(resolve, 2000);
      });
      const response = await fetch(claims.whip_url, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
        body: pc.localDescription!.sdp,
      });
      return { status: response.status, body: await response.text() };
    } finally {
      pc.close();
      stream.getTracks().forEach((t) => t.stop());
    }
  },

  clockTrack,
  readClock,

  clearEvents: () => {
    events.length = 0;
  },
};

window.harness = harness;
document.documentElement.dataset['harness'] = 'ready';
