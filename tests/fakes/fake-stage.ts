/**
 * Thin fakes for the one thing unit tests cannot reach offline: the Amazon IVS stage media service.
 *
 * `FakeStage` implements the driver contract (`src/stage/driver.ts`, a structural subset of the public
 * `amazon-ivs-web-broadcast` Stage API). Tests drive it with the low-level `emit…` calls, or with the
 * scenarios below, which model what AWS documents of the SDK (and, for the offline join, what the
 * real SDK was measured doing in Chromium, see tests/e2e/ivs-sdk.spec.ts):
 * - `loseNetwork()` / `recoverNetwork()`: a blip. While connected the SDK reports the connection
 *   `errored` and retries internally; on recovery it reports `connecting` then `connected`
 *   (`StageConnectionState`; error-handling guide: "the SDK will retry internally for a period of up
 *   to 30 seconds before emitting a FAILED error");
 * - `giveUp(code)`: the retries ran out: a `JOIN_ERROR` with FAILED (or TIMEOUT), the connection
 *   `errored` (`StageErrorCode` docs: "wait for the device's connectivity to recover");
 * - `failJoinOffline()`: a join whose endpoints cannot be reached: `connecting`, then (after the SDK's
 *   retries, about 63 s with amazon-ivs-web-broadcast 1.41 in Chromium) `errored`, a `JOIN_ERROR`
 *   TIMEOUT, and `join()` rejecting with that error;
 * - `serverLeave(reason)`: the server ends the connection: `disconnected`, then `stageLeft(reason)`
 *   (`StageLeftReason`), in the same turn or `delayMs` later;
 * - `rejectExchange(code)`: `exchangeToken()` rejects, and the stage leaves with `failed-exchange`
 *   ("If the server rejects the exchange, the stage will be left").
 * `leave()` records the call and, once joined, reports `stageLeft('user-initiated')` and
 * `disconnected`, as an explicit leave does.
 */
import {
  DriverErrorCode,
  type DriverConnectionState,
  type DriverLeftReason,
  type DriverLocalStream,
  type DriverLayerSelectedReason,
  type DriverParticipantInfo,
  type DriverPublishState,
  type DriverQualityStats,
  type DriverStreamLayer,
  type DriverSubtitleCue,
  type DriverStage,
  type DriverStageError,
  type DriverStageEventMap,
  type DriverStrategy,
  type DriverStream,
  type DriverStreamConfig,
  type DriverSubscribeState,
  type StageDriver,
} from '../../src/stage/driver';
import type { MediaDevicesLike } from '../../src/core/media-devices';
import type { FakeRemoteStream } from './fake-remote-stream';

type AnyListener = (...args: never[]) => void;

/** A `Stage` that tests drive by hand. */
export class FakeStage implements DriverStage {
  readonly token: string;
  strategy: DriverStrategy;
  readonly calls = { join: 0, leave: 0, refreshStrategy: 0, replaceStrategy: 0, exchangeToken: [] as string[] };
  /** What `join()` returns; replace to make it reject or hang. */
  joinResult: () => Promise<void> = () => Promise.resolve();
  /** What `exchangeToken()` returns. */
  exchangeResult: (token: string) => Promise<void> = () => Promise.resolve();
  /** The last connection state reported. */
  connectionState: DriverConnectionState = 'disconnected';
  /** Whether `stageLeft` was reported. */
  left = false;
  readonly #listeners = new Map<string, Set<AnyListener>>();
  readonly #autoConnect: boolean;
  #rejectJoin: ((error: unknown) => void) | undefined;

  constructor(token: string, strategy: DriverStrategy, options: { autoConnect?: boolean } = {}) {
    this.token = token;
    this.strategy = strategy;
    this.#autoConnect = options.autoConnect ?? false;
  }

  join(): Promise<void> {
    this.calls.join++;
    const result = this.joinResult();
    if (this.#autoConnect) queueMicrotask(() => this.connect());
    return new Promise<void>((resolve, reject) => {
      this.#rejectJoin = reject;
      result.then(resolve, reject);
    });
  }

  leave(): void {
    this.calls.leave++;
    if (this.connectionState === 'disconnected' || this.left) return;
    this.emitLeft('user-initiated');
    this.emitConnectionState('disconnected');
  }

  refreshStrategy(): void {
    this.calls.refreshStrategy++;
    this.applyPreferredLayers();
  }

  replaceStrategy(strategy: DriverStrategy): void {
    this.calls.replaceStrategy++;
    this.strategy = strategy;
  }

  exchangeToken(token: string): Promise<void> {
    this.calls.exchangeToken.push(token);
    return this.exchangeResult(token);
  }

  on<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as AnyListener);
  }

  off<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void {
    this.#listeners.get(event)?.delete(listener as AnyListener);
  }

  /** Listeners currently registered (for one event, or all). */
  listenerCount(event?: keyof DriverStageEventMap): number {
    if (event) return this.#listeners.get(event)?.size ?? 0;
    let total = 0;
    for (const set of this.#listeners.values()) total += set.size;
    return total;
  }

  emit<E extends keyof DriverStageEventMap>(event: E, ...args: Parameters<DriverStageEventMap[E]>): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) (listener as (...a: unknown[]) => void)(...args);
  }

  // ---- documented scenarios -----------------------------------------------------------------

  /** `connecting` then `connected`, as a successful join reports. */
  connect(): void {
    this.emitConnectionState('connecting');
    this.emitConnectionState('connected');
  }

  /** The network drops while connected: the SDK reports `errored` and starts retrying. */
  loseNetwork(): void {
    this.emitConnectionState('errored');
  }

  /** The network is back within the SDK's retries: `connecting`, then `connected`. */
  recoverNetwork(): void {
    this.connect();
  }

  /** The SDK's retries ran out: a `JOIN_ERROR` (FAILED by default), the connection `errored`. */
  giveUp(code: number = DriverErrorCode.FAILED, message = 'Operation failed'): DriverStageError {
    const error = stageError(code, 'JOIN_ERROR', message);
    if (this.connectionState !== 'errored') this.emitConnectionState('errored');
    this.emitError(error);
    return error;
  }

  /** A join whose endpoints cannot be reached, once the SDK gave up (as measured with the real SDK). */
  failJoinOffline(): DriverStageError {
    const error = stageError(DriverErrorCode.TIMEOUT, 'JOIN_ERROR', '[JOIN_ERROR] Operation timed out');
    if (this.connectionState !== 'connecting') this.emitConnectionState('connecting');
    this.emitConnectionState('errored');
    this.emitError(error);
    this.#rejectJoin?.(error);
    return error;
  }

  /** The server ends the connection: `disconnected`, then `stageLeft(reason)` (now, or `delayMs` later). */
  async serverLeave(reason: DriverLeftReason, options: { delayMs?: number; error?: DriverStageError } = {}): Promise<void> {
    if (options.error) this.emitError(options.error);
    this.emitConnectionState('disconnected');
    if (options.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    this.emitLeft(reason);
  }

  /** The next `exchangeToken()` is refused: it rejects with `code`, then the stage leaves (`failed-exchange`). */
  rejectExchange(code: number = DriverErrorCode.TOKEN_EXCHANGE_FAILED): DriverStageError {
    const error = stageError(code, 'JOIN_ERROR', 'token exchange rejected');
    this.exchangeResult = () => {
      queueMicrotask(() => {
        this.emitLeft('failed-exchange');
        this.emitConnectionState('disconnected');
      });
      return Promise.reject(error);
    };
    return error;
  }

  // ---- low-level events ------------------------------------------------------------------------

  emitConnectionState(state: DriverConnectionState): void {
    this.connectionState = state;
    this.emit('stageConnectionStateChanged', state);
  }

  emitJoined(info: DriverParticipantInfo): void {
    this.emit('stageParticipantJoined', info);
  }

  emitParticipantLeft(info: DriverParticipantInfo): void {
    this.emit('stageParticipantLeft', info);
  }

  emitStreamsAdded(info: DriverParticipantInfo, streams: DriverStream[]): void {
    this.emit('stageParticipantStreamsAdded', info, streams);
  }

  emitStreamsRemoved(info: DriverParticipantInfo, streams: DriverStream[]): void {
    this.emit('stageParticipantStreamsRemoved', info, streams);
  }

  emitMuteChanged(info: DriverParticipantInfo, stream: DriverStream): void {
    this.emit('stageStreamMuteChanged', info, stream);
  }

  emitPublishState(info: DriverParticipantInfo, state: DriverPublishState): void {
    this.emit('stageParticipantPublishStateChanged', info, state);
  }

  emitSubscribeState(info: DriverParticipantInfo, state: DriverSubscribeState): void {
    this.emit('stageParticipantSubscribeStateChanged', info, state);
  }

  emitSubscriberCount(count: number): void {
    this.emit('stageSubscriberCountChanged', count);
  }

  emitMetadataChanged(info: DriverParticipantInfo): void {
    this.emit('stageParticipantMetadataChanged', info);
  }

  emitError(error: DriverStageError): void {
    this.emit('error', error);
  }

  emitLeft(reason: DriverLeftReason): void {
    this.left = true;
    this.emit('stageLeft', reason);
  }

  // ---- simulcast, in-band messages, subtitles (SDK 1.41 .d.ts) -------------------------------

  /** Remote simulcast streams whose layer the strategy chooses (`preferredLayerForStream`). */
  readonly simulcastStreams = new Map<FakeRemoteStream, DriverParticipantInfo>();

  /** The publisher's layers changed: `STAGE_STREAM_LAYERS_CHANGED`, then the strategy is asked for a layer. */
  setLayers(info: DriverParticipantInfo, stream: FakeRemoteStream, layers: DriverStreamLayer[]): void {
    this.simulcastStreams.set(stream, info);
    stream.layers = layers;
    if (stream.selected && !layers.some((l) => l.label === stream.selected!.label)) stream.selected = undefined;
    this.emit('stageStreamLayersChanged', info, stream, stream.getLayers());
    this.applyPreferredLayers(stream);
  }

  /** The server delivers `layer` (`STAGE_STREAM_LAYER_SELECTED`). */
  selectLayer(info: DriverParticipantInfo, stream: FakeRemoteStream, layer: DriverStreamLayer | undefined, reason: DriverLayerSelectedReason = 'selected'): void {
    stream.selected = layer;
    this.emit('stageStreamLayerSelected', info, stream, stream.getSelectedLayer(), reason);
  }

  /** `STAGE_STREAM_ADAPTION_CHANGED`, when the mode changes. */
  setAdapting(info: DriverParticipantInfo, stream: FakeRemoteStream, adapting: boolean): void {
    if (stream.isAdapting === adapting) return;
    stream.isAdapting = adapting;
    this.emit('stageStreamAdaptionChanged', info, stream, adapting);
  }

  /**
   * Asks the strategy's `preferredLayerForStream` for each simulcast stream (or one) and applies the
   * answer as the SDK documents it: a layer or its label selects that layer (adaption off), `undefined`
   * / `null` resumes adaption. Returns the answers.
   */
  applyPreferredLayers(only?: FakeRemoteStream): Array<DriverStreamLayer | string | undefined | null> {
    const answers: Array<DriverStreamLayer | string | undefined | null> = [];
    for (const [stream, info] of this.simulcastStreams) {
      if (only && stream !== only) continue;
      const answer = this.strategy.preferredLayerForStream?.(info, stream);
      answers.push(answer);
      const label = typeof answer === 'string' ? answer : answer?.label;
      const layer = label === undefined ? undefined : stream.layers.find((l) => l.label === label);
      if (layer) {
        this.setAdapting(info, stream, false);
        if (stream.selected?.label !== layer.label) this.selectLayer(info, stream, layer, 'selected');
      } else if (label === undefined) {
        this.setAdapting(info, stream, true);
      } else {
        this.selectLayer(info, stream, undefined, 'unavailable');
      }
    }
    return answers;
  }

  /** `STAGE_STREAM_SEI_MESSAGE_RECEIVED` with a 16-byte uuid. */
  emitSeiMessage(info: DriverParticipantInfo, payload: Uint8Array, uuid: Uint8Array = new Uint8Array(16).map((_, i) => i * 17)): void {
    this.emit('stageStreamSeiMessageReceived', info, { uuid: uuid.slice().buffer, payload: payload.slice().buffer });
  }

  /** `STAGE_PARTICIPANT_SUBTITLE_CUE_RECEIVED`. */
  emitSubtitleCue(info: DriverParticipantInfo, cue: DriverSubtitleCue): void {
    this.emit('stageParticipantSubtitleCueReceived', info, cue);
  }
}

/** A `LocalStageStream` stand-in. */
export class FakeLocalStream implements DriverLocalStream {
  readonly id: string;
  readonly streamType: 'audio' | 'video';
  readonly mediaStreamTrack: MediaStreamTrack;
  readonly config: DriverStreamConfig | undefined;
  isMuted = false;
  readonly muteCalls: boolean[] = [];
  /** `insertSeiMessage` calls that were accepted. */
  readonly seiMessages: Array<{ payload: Uint8Array; repeatCount: number | undefined }> = [];
  /** What `requestQualityStats()` answers. */
  qualityStats: DriverQualityStats[] | undefined;

  constructor(track: MediaStreamTrack, config?: DriverStreamConfig) {
    this.id = `local-${track.id}`;
    this.streamType = track.kind === 'audio' ? 'audio' : 'video';
    this.mediaStreamTrack = track;
    this.config = config;
  }

  setMuted(muted: boolean): void {
    this.muteCalls.push(muted);
    this.isMuted = muted;
  }

  /** As the SDK documents it: video with `inBandMessaging` enabled, 1 byte to 1 KB, `repeatCount` 0–30. */
  async insertSeiMessage(payload: ArrayBuffer, options?: { repeatCount?: number }): Promise<void> {
    if (this.streamType !== 'video' || this.config?.inBandMessaging?.enabled !== true) throw new Error('inBandMessaging is not enabled for this stream');
    if (payload.byteLength < 1 || payload.byteLength > 1024) throw new Error('SEI payload must be 1 byte to 1 KB');
    const repeatCount = options?.repeatCount;
    if (repeatCount !== undefined && (repeatCount < 0 || repeatCount > 30)) throw new Error('repeatCount must be 0 to 30');
    this.seiMessages.push({ payload: new Uint8Array(payload.slice(0)), repeatCount });
  }

  async requestQualityStats(): Promise<DriverQualityStats[] | undefined> {
    return this.qualityStats;
  }
}

/** A driver whose stages are {@link FakeStage}s; records every stage and local stream it made. */
export class FakeStageDriver implements StageDriver {
  readonly kind = 'fake';
  readonly stages: FakeStage[] = [];
  readonly localStreams: FakeLocalStream[] = [];
  /** Called with each new stage before the session uses it (set `joinResult` etc. here). */
  onStageCreated: ((stage: FakeStage) => void) | undefined;
  readonly #autoConnect: boolean;

  constructor(options: { autoConnect?: boolean } = {}) {
    this.#autoConnect = options.autoConnect ?? false;
  }

  /** The most recently created stage. */
  get stage(): FakeStage {
    const stage = this.stages.at(-1);
    if (!stage) throw new Error('No stage was created yet.');
    return stage;
  }

  createStage(token: string, strategy: DriverStrategy): FakeStage {
    const stage = new FakeStage(token, strategy, { autoConnect: this.#autoConnect });
    this.stages.push(stage);
    this.onStageCreated?.(stage);
    return stage;
  }

  createLocalStream(track: MediaStreamTrack, config?: DriverStreamConfig): FakeLocalStream {
    const stream = new FakeLocalStream(track, config);
    this.localStreams.push(stream);
    return stream;
  }
}

let trackSeq = 0;

/** The parts of `MediaStreamTrack` the SDK uses; `stop()` ends the track as a real one does. */
export class FakeMediaStreamTrack {
  readonly id: string;
  readonly kind: 'audio' | 'video';
  readonly label: string;
  enabled = true;
  readyState: MediaStreamTrackState = 'live';

  constructor(kind: 'audio' | 'video', label = `fake ${kind}`) {
    this.id = `track-${++trackSeq}`;
    this.kind = kind;
    this.label = label;
  }

  stop(): void {
    this.readyState = 'ended';
  }

  /** This object typed as the DOM track it stands in for. */
  asTrack(): MediaStreamTrack {
    return this as unknown as MediaStreamTrack;
  }
}

/** A fake track, typed as `MediaStreamTrack`. */
export function fakeTrack(kind: 'audio' | 'video'): MediaStreamTrack {
  return new FakeMediaStreamTrack(kind).asTrack();
}

/** `navigator.mediaDevices` stand-in: records getUserMedia calls and every track it handed out. */
export class FakeMediaDevices implements MediaDevicesLike {
  readonly calls: MediaStreamConstraints[] = [];
  readonly tracks: FakeMediaStreamTrack[] = [];
  /** When set, getUserMedia rejects with this value. */
  failWith: unknown;
  /** When set, getUserMedia waits for this promise before answering. */
  gate: Promise<void> | undefined;
  devices: MediaDeviceInfo[] = [];

  async getUserMedia(constraints: MediaStreamConstraints): Promise<{ getTracks(): MediaStreamTrack[] }> {
    this.calls.push(constraints);
    if (this.gate) await this.gate;
    if (this.failWith !== undefined) throw this.failWith;
    const made: FakeMediaStreamTrack[] = [];
    if (constraints.audio) made.push(new FakeMediaStreamTrack('audio'));
    if (constraints.video) made.push(new FakeMediaStreamTrack('video'));
    this.tracks.push(...made);
    return { getTracks: () => made.map((t) => t.asTrack()) };
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    if (this.failWith !== undefined) throw this.failWith;
    return this.devices;
  }

  /** Tracks handed out that are still live. */
  get liveTracks(): FakeMediaStreamTrack[] {
    return this.tracks.filter((t) => t.readyState === 'live');
  }
}

/** A `StageParticipantInfo`-shaped object. */
export function participantInfo(init: Partial<Omit<DriverParticipantInfo, 'capabilities'>> & { id: string; capabilities?: string[] }): DriverParticipantInfo {
  return {
    userId: '',
    attributes: {},
    isLocal: false,
    videoStopped: false,
    audioMuted: false,
    isPublishing: false,
    ...init,
    capabilities: new Set(init.capabilities ?? ['publish', 'subscribe']),
  };
}

/** A remote stream, as the driver reports it. */
export function remoteStream(kind: 'audio' | 'video', init: { id?: string; isMuted?: boolean; track?: MediaStreamTrack } = {}): DriverStream {
  const track = init.track ?? fakeTrack(kind);
  return { id: init.id ?? `remote-${track.id}`, streamType: kind, mediaStreamTrack: track, isMuted: init.isMuted ?? false };
}

/** A `StageError`-shaped object. */
export function stageError(code: number, category: DriverStageError['category'] = 'JOIN_ERROR', message = 'fake stage error'): DriverStageError {
  return { name: 'StageError', code, category, message };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * An unsigned participant token with IVS claim names (the session decodes claims; only the media
 * server verifies signatures). Defaults: participant `p-local`, publish + subscribe, valid for an hour.
 */
export function participantToken(
  claims: {
    participantId?: string;
    publish?: boolean;
    subscribe?: boolean;
    userId?: string;
    attributes?: Record<string, string>;
    expiresInSeconds?: number;
    stageArn?: string;
    extra?: Record<string, unknown>;
  } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    jti: claims.participantId ?? 'p-local',
    exp: now + (claims.expiresInSeconds ?? 3600),
    iat: now,
    resource: claims.stageArn ?? 'arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGHijkl',
    topic: 'abcdEFGHijkl',
    whip_url: 'https://example.global-bm.whip.live-video.net',
    events_url: 'wss://global.events.live-video.net',
    capabilities: { allow_publish: claims.publish ?? true, allow_subscribe: claims.subscribe ?? true },
    ...(claims.userId === undefined ? {} : { user_id: claims.userId }),
    attributes: claims.attributes ?? {},
    version: '1.0',
    ...claims.extra,
  };
  return `${base64url({ alg: 'ES384', typ: 'JWT' })}.${base64url(payload)}.c2lnbmF0dXJl`;
}
