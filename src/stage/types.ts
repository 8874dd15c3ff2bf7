import type { QualityChangedEvent, SpeakersChangedEvent } from '../core/addon-events';
import type { IvsRealtimeError } from '../core/errors';
import type { ParticipantTokenClaims } from '../core/token';
import type { MediaDevicesLike } from '../core/media-devices';
import type { StageDriver } from './driver';
import type { PublishConfig, PublishMediaOptions } from './media-options';

/** Connection state of a {@link StageSession}. */
export type StageSessionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/**
 * Why the session left the stage. Every leave reason of the media stack (`StageLeftReason` of
 * `amazon-ivs-web-broadcast`) has its own value:
 * - `user`: `leave()`/`dispose()` was called, or `join()` was aborted (SDK: `user-initiated`);
 * - `stage-deleted`: the stage was deleted (DeleteStage; SDK: `stage-deleted`);
 * - `kicked`: the participant was disconnected (DisconnectParticipant; SDK: `participant-disconnected`);
 * - `token-reused`: another client joined with the same token (SDK: `token-reused`);
 * - `exchange-failed`: the stage refused an `exchangeToken()` and ended the connection (SDK: `failed-exchange`);
 * - `connection-forced-leave`: the server removed this stage from its shared real-time connection
 *   (SDK: `real-time-connection-forced-leave`);
 * - `connection-token-revoked`: the token of the shared real-time connection was revoked
 *   (SDK: `real-time-connection-token-revocation`);
 * - `unknown`: the stage ended the connection without a reason, usually the server disconnecting it
 *   (SDK: `unknown`);
 * - `token-expired`: the token expired while connected (the stage reported TOKEN_EXPIRED, then left);
 * - `error`: the join failed, or the media stack gave up reconnecting after its retries (see `error`).
 */
export type LeftReason =
  | 'user'
  | 'stage-deleted'
  | 'kicked'
  | 'token-reused'
  | 'exchange-failed'
  | 'connection-forced-leave'
  | 'connection-token-revoked'
  | 'unknown'
  | 'token-expired'
  | 'error';

export type PublishState = 'not-published' | 'attempting' | 'published' | 'errored';
export type SubscribeState = 'not-subscribed' | 'attempting' | 'subscribed' | 'errored';

/** One simulcast layer of a remote video stream, as the stage reports it. */
export interface StreamLayer {
  /** The publisher's name for the layer (e.g. `low`, `mid`, `high`); not guaranteed stable. */
  readonly label: string;
  readonly width: number;
  readonly height: number;
  /** The layer's maximum bitrate, in bits per second. */
  readonly bitrateBps: number;
  readonly framesPerSecond: number;
}

/** The simulcast state of a remote video stream whose publisher sends layers. */
export interface StreamLayers {
  /** The layers the publisher sends now, lowest quality first. */
  readonly available: readonly StreamLayer[];
  /** The layer being delivered (`undefined` until the stage selects one). */
  readonly selected: StreamLayer | undefined;
  /** `true`: the server picks the layer (network adaption); `false`: the app's preference is applied. */
  readonly adapting: boolean;
}

/**
 * Which layer to receive from a simulcast publisher: `'auto'` lets the server adapt (the default),
 * `'lowest'` / `'highest'` follow the available layers as they change, `{ label }` asks for one layer.
 */
export type LayerPreference = 'auto' | 'lowest' | 'highest' | { readonly label: string };

/**
 * Network quality as the media stack measures it (Amazon IVS's `NetworkQuality`, from packet loss):
 * `excellent` (none), `good`, `normal`, `poor`, `down`.
 */
export type StreamNetworkQuality = 'excellent' | 'good' | 'normal' | 'poor' | 'down';

/** Quality of one stream as the media stack reports it (`requestQualityStats()` on Amazon IVS). */
export interface StreamQuality {
  readonly networkQuality: StreamNetworkQuality;
  /** Local video only: what limits the encoder (`none`, `cpu`, `bandwidth`, `other`). */
  readonly qualityLimitationReason?: string;
}

/** A subtitle cue received from the stage (Amazon IVS `StageSubtitleCue`). */
export interface SubtitleCue {
  readonly text: string;
  /** ISO 639-1 code, e.g. `en`. */
  readonly languageCode: string;
  readonly languageLabel?: string;
  /** Cue timing in ms on the media's capture timeline; absent when unspecified (render on arrival). */
  readonly startTimeMs?: number;
  readonly endTimeMs?: number;
}

/**
 * How to receive remote participants (Amazon IVS `SubscribeConfiguration`), for everyone
 * (`StageSessionOptions.subscribe`) or per participant (`SessionStrategy.subscribeSettings`, merged
 * over the former). Applied when a subscription starts: change them for a running one with `refresh()`
 * (the media stack may resubscribe).
 */
export interface SubscribeSettings {
  /**
   * Minimum jitter-buffer delay: a preset, or milliseconds (0–4000). Higher is smoother on lossy
   * networks, lower is closer to real time. Default `'default'` (the media stack's own). Not applied
   * while the local participant publishes, on Amazon IVS.
   */
  jitterBufferMinDelay?: 'default' | 'low' | 'medium' | 'high' | number;
  /** The first simulcast layer delivered: `'lowest'` (default, fastest first frame) or `'highest'`. */
  initialLayer?: 'lowest' | 'highest';
  /** Receive in-band messages (`inBandMessage` events). Default `false`. */
  inBandMessages?: boolean;
  /** Receive subtitle cues (`subtitleCue` events). Default `false`. */
  subtitles?: boolean;
}

/** A media track of a participant, as seen by the session. */
export interface ParticipantStream {
  /** Stable id of the stream (driver-assigned, or the track id). */
  readonly id: string;
  readonly kind: 'audio' | 'video';
  readonly track: MediaStreamTrack;
  readonly muted: boolean;
  /**
   * WebRTC statistics of this track (`inbound-rtp` for remote tracks; `outbound-rtp` and
   * `media-source` for local ones) while it is being sent or received; absent when the media stack
   * offers none. Read by `ActiveSpeakerDetector` and `NetworkQualityMonitor`.
   */
  getStats?(): Promise<RTCStatsReport | undefined>;
  /**
   * The media stack's own quality figures for this stream (Amazon IVS `requestQualityStats()`);
   * absent on stacks that have none (ivs-local: `NetworkQualityMonitor` classifies `getStats` itself).
   */
  getQuality?(): Promise<StreamQuality | undefined>;
  /** Remote video from a simulcast publisher: its layers; `undefined` otherwise. */
  readonly layers?: StreamLayers;
}

/**
 * A participant of the stage (the local one included). Snapshots are immutable: every change
 * produces a new object, so `participant !== previous` means something changed.
 */
export interface Participant {
  readonly id: string;
  /** The `userId` given when the token was minted ('' when none). */
  readonly userId: string;
  /** Token attributes (visible to everyone in the stage). */
  readonly attributes: Readonly<Record<string, string>>;
  /** `StageParticipantInfo.userInfo` as the media stack reports it (`{}` when it reports none). */
  readonly userInfo: Readonly<Record<string, unknown>>;
  readonly isLocal: boolean;
  readonly capabilities: { readonly publish: boolean; readonly subscribe: boolean };
  readonly isPublishing: boolean;
  readonly publishState: PublishState;
  readonly subscribeState: SubscribeState;
  readonly audioTrack: MediaStreamTrack | undefined;
  readonly videoTrack: MediaStreamTrack | undefined;
  readonly audioMuted: boolean;
  readonly videoMuted: boolean;
  readonly streams: readonly ParticipantStream[];
}

/** Which parts of a participant changed in a `participantUpdated` event. */
export type ParticipantChange = 'attributes' | 'userInfo' | 'capabilities' | 'publishState' | 'subscribeState' | 'streams' | 'mute' | 'layers';

/** Why a stream's layers changed: the set sent, the selection (`unavailable`: the wanted one is gone), the adaption mode. */
export type LayersChangeReason = 'available' | 'selected' | 'unavailable' | 'adaption';

/** Events of a {@link StageSession}: one object payload each. */
export interface StageSessionEvents {
  stateChanged: { state: StageSessionState; previous: StageSessionState };
  participantJoined: { participant: Participant };
  participantLeft: { participant: Participant };
  participantUpdated: { participant: Participant; previous: Participant; changes: ParticipantChange[] };
  streamsChanged: { participant: Participant; added: ParticipantStream[]; removed: ParticipantStream[] };
  muteChanged: { participant: Participant; kind: 'audio' | 'video'; muted: boolean };
  subscriberCountChanged: { count: number };
  /** A remote simulcast video stream's layers, selection or adaption changed (also a `participantUpdated` with `layers`). */
  layersChanged: { participant: Participant; stream: ParticipantStream; layers: StreamLayers; reason: LayersChangeReason };
  /**
   * A message sent in-band with a participant's video (`sendInBandMessage()`; SEI on Amazon IVS). Needs
   * `subscribe.inBandMessages`. `uuid` is the SEI uuid as 32 lowercase hex digits.
   */
  inBandMessage: { participant: Participant; payload: Uint8Array; uuid: string };
  /** A subtitle cue about `participant` (the cue's target, else its author). Needs `subscribe.subtitles`. */
  subtitleCue: { participant: Participant; cue: SubtitleCue };
  publishingChanged: { publishing: boolean };
  error: { error: IvsRealtimeError };
  /** Emitted exactly once per join, when the session leaves the stage for any reason. */
  left: { reason: LeftReason; error?: IvsRealtimeError };
  /**
   * Add-ons attached to the session (`attachAddon()`) emit their events on it too, so one listener
   * (a `StageGrid`, an app) follows everything: `speakersChanged` from an `ActiveSpeakerDetector`,
   * `qualityChanged` from a `NetworkQualityMonitor`.
   */
  speakersChanged: SpeakersChangedEvent;
  qualityChanged: QualityChangedEvent;
}

// -------------------------------------------------------------------------------------------------
// The seam between StageSession (stage-session.ts, loaded with the page) and its connection engine
// (stage-connection.ts, loaded on the first join). Both import these types; neither imports the other
// statically (the session loads the engine with a dynamic import()).

/** How much of a remote participant to receive. */
export type SubscribeDecision = 'none' | 'audio' | 'audio-video';

/** A strategy with both decisions defined. */
export interface ResolvedStrategy {
  shouldSubscribe(participant: Participant): SubscribeDecision;
  shouldPublish(localParticipant: Participant): boolean;
  /** See `SessionStrategy.subscribeSettings` (absent: the session's `subscribe` option alone). */
  subscribeSettings?(participant: Participant): SubscribeSettings;
  /** See `SessionStrategy.preferredLayer` (absent: `'auto'`). */
  preferredLayer?(participant: Participant, layers: StreamLayers): LayerPreference;
}

/** How a connection ended, as the engine reports it to its session. @internal */
export interface EngineEnded {
  reason: LeftReason;
  /** Set for every reason but `user`. */
  error: IvsRealtimeError | undefined;
  /** Everyone who was in the stage, in `participants` order (each gets `participantLeft`). */
  participants: readonly Participant[];
}

/**
 * What the connection engine needs from its session: the session state it reads, and callbacks for
 * the state it changes. The engine never sees the session itself. @internal
 */
export interface EngineHost {
  readonly muted: { readonly audio: boolean; readonly video: boolean };
  readonly publishing: boolean;
  readonly strategy: ResolvedStrategy;
  /** The session's `subscribe` option (checked). */
  readonly subscribe: SubscribeSettings;
  /**
   * `setPreferredLayer()` choices by participant id. The engine forgets a participant's entry when it
   * leaves, and all of them when the connection ends.
   */
  readonly preferredLayers: Map<string, LayerPreference>;
  emit<K extends keyof StageSessionEvents>(event: K, payload: StageSessionEvents[K]): void;
  /** The connection is up (`connected`) or the media stack is recovering it (`reconnecting`). */
  setState(state: 'connected' | 'reconnecting'): void;
  setPublishing(publishing: boolean): void;
  setSubscriberCount(count: number): void;
  /** The connection ended (called once per join that reached the engine). */
  ended(result: EngineEnded): void;
}

/** One join handed to the engine, once the driver is loaded. @internal */
export interface EngineJoin {
  token: string;
  claims: ParticipantTokenClaims;
  driver: StageDriver;
  publish: boolean;
  media: PublishMediaOptions | undefined;
  signal: AbortSignal | undefined;
}

/**
 * The connection engine of one StageSession (`stage-connection.ts`). It owns the connection: the
 * stage, its listeners, the participant store and the local media; it reports through its
 * {@link EngineHost} and returns results. Methods other than `join` need a connection (the session
 * checks its state first). @internal
 */
export interface StageEngineApi {
  /** Everyone in the stage, local participant first. */
  readonly participants: readonly Participant[];
  readonly localParticipant: Participant | undefined;
  /** Whether a join reached the engine and has not ended. */
  readonly active: boolean;
  /** Resolves once connected; rejects (after `ended`) when the join fails, is aborted or is left. */
  join(request: EngineJoin): Promise<void>;
  /** Ends the connection at the app's request (`left` with `user`; a pending join rejects with `error`). */
  leave(error: IvsRealtimeError): void;
  /** Applies a mute change to the published media; returns the updated local participant. */
  applyMute(kind: 'audio' | 'video', muted: boolean): Participant | undefined;
  exchangeToken(token: string, claims: ParticipantTokenClaims): Promise<void>;
  replaceTrack(track: MediaStreamTrack, adopt: boolean): Promise<void>;
  applyPublishing(on: boolean, media: PublishMediaOptions | undefined): Promise<void>;
  /** Re-runs the strategy of the current stage, if any. */
  refreshStrategy(): void;
  /** Sends an in-band message with the published video (arguments checked by the session). */
  sendInBandMessage(bytes: Uint8Array, repeatCount: number | undefined): Promise<void>;
}

/** What `stage-connection.ts` exports. @internal */
export interface EngineModule {
  createStageEngine(host: EngineHost, options: { mediaDevices: MediaDevicesLike | undefined; publishConfig: PublishConfig }): StageEngineApi;
}
