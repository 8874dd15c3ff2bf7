/**
 * The test API the harness page exposes on `window.harness`. Types only: shared by the page and
 * the specs (which call it through `page.evaluate`).
 */
import type { StageSessionOptions } from 'aws-ivs-realtime';

/** StageSession options `createSession` passes through (plain data: they cross `page.evaluate`). */
export type HarnessSessionOptions = Pick<StageSessionOptions, 'publishConfig' | 'subscribe'>;

/** An error thrown by the SDK, flattened for transfer out of the page. */
export interface HarnessError {
  name: string;
  message: string;
  /** `IvsRealtimeError.code`, e.g. `TOKEN_EXPIRED`, `STAGE_JOIN_FAILED`. */
  code: string | undefined;
  /** `TokenError.reason`, `MediaDeviceError.reason`, … */
  reason: string | undefined;
  /** `StageError.category`. */
  category: string | undefined;
  isIvsRealtimeError: boolean;
}

/** Outcome of an action; `at` is the wall-clock time (`Date.now()`) when it was called. */
export type HarnessResult = { ok: true; at: number; ms: number } | { ok: false; at: number; ms: number; error: HarnessError };

export interface HarnessJoinOptions {
  token: string;
  publish: boolean;
  /** Video constraints for a publisher (e.g. `{ width: 1280, height: 720, frameRate: 30 }`). */
  video?: MediaTrackConstraints | boolean;
  audio?: MediaTrackConstraints | boolean;
  /**
   * Publish the page's pixel clock canvas (see `clock.ts`) instead of capturing: `join()` passes
   * `media: { tracks: [clockTrack()] }`, so `video`/`audio` are ignored. For latency measurements.
   */
  clockCanvas?: boolean;
}

export interface HarnessParticipant {
  id: string;
  userId: string;
  isLocal: boolean;
  isPublishing: boolean;
  publishState: string;
  subscribeState: string;
  capabilities: { publish: boolean; subscribe: boolean };
  audioMuted: boolean;
  videoMuted: boolean;
  audioTrackId: string | undefined;
  videoTrackId: string | undefined;
  audioTrackState: string | undefined;
  videoTrackState: string | undefined;
}

export interface HarnessTile {
  participantId: string;
  /** `<video>` elements in the tile. */
  videos: number;
  /** Identity of the tile's `<video>` element (stable while the element is the same object). */
  videoElementId: number | undefined;
  /** Frames presented by the tile's `<video>` (requestVideoFrameCallback), since it was created. */
  framesPresented: number;
  videoWidth: number;
  videoHeight: number;
  /** Whether the tile shows its "camera off" mark. */
  cameraOffShown: boolean;
  /** Whether the tile is hidden (an off-page tile of a paged grid). */
  hidden: boolean;
  /** Whether the tile's `<video>` is paused (`undefined` without one). */
  videoPaused: boolean | undefined;
}

/** StageGrid options `mountGrid` passes through. */
export interface HarnessGridOptions {
  maxTiles?: number;
  maxStripTiles?: number;
  layout?: 'grid' | 'spotlight';
  showLocal?: boolean;
  layerPreferences?: boolean;
}

/** The grid's pages, as its API and its pager show them. */
export interface HarnessGridPages {
  /** `StageGrid.page` / `StageGrid.pageCount`. */
  page: number;
  pageCount: number;
  /** Whether the pager (`.ivs-grid__pager`) is shown. */
  pagerShown: boolean;
  /** The pager's text, e.g. `Page 1 of 3`. */
  pageText: string;
  /** `aria-disabled` of the previous / next buttons. */
  previousDisabled: boolean;
  nextDisabled: boolean;
}

export interface HarnessInbound {
  /** Remote track id (`trackIdentifier`). */
  trackId: string;
  kind: 'audio' | 'video';
  packetsReceived: number;
  bytesReceived: number;
  framesDecoded: number;
  framesPerSecond: number;
  /** Video: size of the last decoded frame (0 before the first). */
  frameWidth: number;
  frameHeight: number;
  /** Cumulative jitter-buffer figures (seconds, summed over emitted samples/frames), 0 when absent. */
  jitterBufferDelay: number;
  jitterBufferTargetDelay: number;
  jitterBufferMinimumDelay: number;
  jitterBufferEmittedCount: number;
}

export interface HarnessOutbound {
  kind: 'audio' | 'video';
  packetsSent: number;
  framesEncoded: number;
  framesPerSecond: number;
  frameWidth: number;
  frameHeight: number;
  /** The simulcast layer's `rid` (`undefined` for a single encoding). */
  rid: string | undefined;
  /** Video: what limits the encoder now (`none`, `cpu`, `bandwidth`, `other`). */
  qualityLimitationReason: string | undefined;
}

export interface HarnessEvent {
  /** Wall-clock time (`Date.now()`), comparable across pages of one machine. */
  at: number;
  type: string;
  detail: Record<string, unknown>;
}

export interface HarnessSnapshot {
  hasSession: boolean;
  state: string;
  leftReason: string | undefined;
  publishing: boolean;
  muted: { audio: boolean; video: boolean };
  participants: HarnessParticipant[];
  tiles: HarnessTile[];
  /** `<video>` / `<audio>` elements anywhere in the document. */
  videoElements: number;
  audioElements: number;
  /** Media tracks the page ever saw (captured, cloned or received) that are still `live`. */
  liveTracks: number;
  liveTrackKinds: string[];
  /** RTCPeerConnections created / not yet closed. */
  peerConnectionsCreated: number;
  peerConnectionsOpen: number;
  /** WebSockets created (ever) and still open, with the paths they were opened on. */
  webSocketsCreated: number;
  webSocketsOpen: number;
  webSocketPaths: string[];
  events: HarnessEvent[];
}

export interface HarnessStats {
  inbound: HarnessInbound[];
  outbound: HarnessOutbound[];
}

export interface HarnessApi {
  /**
   * Creates the page's StageSession with these options (publish configuration, subscribe settings);
   * fails if it already has one. Without it, `join`/`mountGrid` create one with no options.
   */
  createSession(options: HarnessSessionOptions): HarnessResult;
  /** Creates the StageSession (if none) and joins. */
  join(options: HarnessJoinOptions): Promise<HarnessResult>;
  leave(): Promise<HarnessResult>;
  /** Leaves, destroys the grid and drops the session. */
  dispose(): Promise<HarnessResult>;
  setMuted(muted: { audio?: boolean; video?: boolean }): HarnessResult;
  setPublishing(on: boolean): Promise<HarnessResult>;
  exchangeToken(token: string): Promise<HarnessResult>;
  /** Mounts a StageGrid for the session into `#stage` (creating the session if needed). */
  mountGrid(options?: HarnessGridOptions): HarnessResult;
  /** The mounted grid's pages; `undefined` without a grid. */
  gridPages(): HarnessGridPages | undefined;
  /** `StageGrid.setPage(page)`. */
  setGridPage(page: number): HarnessResult;
  /** `StageGrid.pin(participantId)`, or `unpin()` for `undefined`. */
  pinInGrid(participantId: string | undefined): HarnessResult;
  /**
   * `StageSession.sendInBandMessage(text)` (UTF-8). Receivers record `inBandMessage` events
   * `{ id, text, bytes, uuid }`.
   */
  sendInBandMessage(text: string, repeatCount?: number): Promise<HarnessResult>;
  snapshot(): HarnessSnapshot;
  /** `getStats()` of every open RTCPeerConnection, reduced to inbound/outbound RTP figures. */
  stats(): Promise<HarnessStats>;
  /**
   * Resolves with ms from now until the first frame of a remote participant's tile is presented.
   * Must be called before `join()`.
   */
  armFirstRemoteFrame(): void;
  firstRemoteFrame(): Promise<number>;
  /**
   * Publishes straight to the token's `whip_url` with a plain RTCPeerConnection (no SDK), to check
   * what the media server itself allows. Returns the HTTP status and body; releases everything.
   */
  probeWhipPublish(token: string): Promise<{ status: number; body: string }>;
  /** The page's pixel clock canvas track (what `join({ clockCanvas: true })` publishes); page-side use only. */
  clockTrack(): MediaStreamTrack;
  /** Decodes the pixel clock in `video`'s current frame: milliseconds since it was drawn. Page-side use only. */
  readClock(video: HTMLVideoElement): number | undefined;
  /** Clears the event log. */
  clearEvents(): void;
}

declare global {
  interface Window {
    harness: HarnessApi;
  }
}
