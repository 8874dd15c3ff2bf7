/**
 * The stage driver seam.
 *
 * StageSession never talks to a media stack directly: it talks to a {@link StageDriver}, whose
 * shape is a structural subset of the public, typed API of `amazon-ivs-web-broadcast`
 * (`Stage`, `StageStrategy`, `LocalStageStream`, `StageEvents`, …). Two drivers exist:
 *
 * - the IVS driver (`ivs-driver.ts`), which loads `amazon-ivs-web-broadcast` with a dynamic
 *   `import()` on first join and hands its classes over unchanged;
 * - the local driver (`../local-stage/`), which speaks ivs-local's documented WHIP/WHEP + events
 *   protocol and implements the same shape.
 *
 * Enum values are the SDK's string values, declared here as literals so the core bundle does not
 * import the SDK. The IVS adapter test checks these against the SDK's real enums.
 */

/** `StageEvents` names (same string values as the IVS SDK enum). */
export const DriverStageEvents = {
  STAGE_CONNECTION_STATE_CHANGED: 'stageConnectionStateChanged',
  STAGE_PARTICIPANT_JOINED: 'stageParticipantJoined',
  STAGE_PARTICIPANT_LEFT: 'stageParticipantLeft',
  STAGE_PARTICIPANT_STREAMS_ADDED: 'stageParticipantStreamsAdded',
  STAGE_PARTICIPANT_STREAMS_REMOVED: 'stageParticipantStreamsRemoved',
  STAGE_STREAM_MUTE_CHANGED: 'stageStreamMuteChanged',
  STAGE_PARTICIPANT_SUBSCRIBE_STATE_CHANGED: 'stageParticipantSubscribeStateChanged',
  STAGE_PARTICIPANT_PUBLISH_STATE_CHANGED: 'stageParticipantPublishStateChanged',
  STAGE_SUBSCRIBER_COUNT_CHANGED: 'stageSubscriberCountChanged',
  ERROR: 'error',
  STAGE_LEFT: 'stageLeft',
  STAGE_PARTICIPANT_METADATA_CHANGED: 'stageParticipantMetadataChanged',
  STAGE_STREAM_SEI_MESSAGE_RECEIVED: 'stageStreamSeiMessageReceived',
  STAGE_STREAM_LAYERS_CHANGED: 'stageStreamLayersChanged',
  STAGE_STREAM_LAYER_SELECTED: 'stageStreamLayerSelected',
  STAGE_STREAM_ADAPTION_CHANGED: 'stageStreamAdaptionChanged',
  STAGE_PARTICIPANT_SUBTITLE_CUE_RECEIVED: 'stageParticipantSubtitleCueReceived',
} as const;

/** `StageConnectionState` values. */
export type DriverConnectionState = 'disconnected' | 'connecting' | 'connected' | 'errored';

/** `StageLeftReason` values. */
export type DriverLeftReason =
  | 'unknown'
  | 'user-initiated'
  | 'token-reused'
  | 'participant-disconnected'
  | 'stage-deleted'
  | 'failed-exchange'
  | 'real-time-connection-forced-leave'
  | 'real-time-connection-token-revocation';

/** `StageParticipantPublishState` values. */
export type DriverPublishState = 'not_published' | 'attempting_publish' | 'published' | 'errored';

/** `StageParticipantSubscribeState` values. */
export type DriverSubscribeState = 'not_subscribed' | 'attempting_subscribe' | 'subscribed' | 'errored';

/** `SubscribeType` values. */
export type DriverSubscribeType = 'none' | 'audio_only' | 'audio_video';

/** `StreamType` values. */
export type DriverStreamType = 'audio' | 'video' | 'subtitle';

/** `StageErrorCategory` values. */
export type DriverErrorCategory = 'JOIN_ERROR' | 'PUBLISH_ERROR' | 'SUBSCRIBE_ERROR';

/**
 * `StageErrorCode` values: 1 TOKEN_MALFORMED, 2 TOKEN_EXPIRED, 3 TIMEOUT, 4 FAILED, 5 CANCELED,
 * 6 STAGE_AT_CAPACITY, 7 CODEC_MISMATCH, 8 TOKEN_NOT_ALLOWED, 9 STAGE_DELETED,
 * 10 PARTICIPANT_DISCONNECTED, 11 TOKEN_EXCHANGE_REQUEST_INVALID, 12 TOKEN_EXCHANGE_FAILED.
 */
export const DriverErrorCode = {
  TOKEN_MALFORMED: 1,
  TOKEN_EXPIRED: 2,
  TIMEOUT: 3,
  FAILED: 4,
  CANCELED: 5,
  STAGE_AT_CAPACITY: 6,
  CODEC_MISMATCH: 7,
  TOKEN_NOT_ALLOWED: 8,
  STAGE_DELETED: 9,
  PARTICIPANT_DISCONNECTED: 10,
  TOKEN_EXCHANGE_REQUEST_INVALID: 11,
  TOKEN_EXCHANGE_FAILED: 12,
} as const;

/** `StageParticipantInfo`. */
export interface DriverParticipantInfo {
  readonly id: string;
  readonly userId: string;
  readonly attributes: Record<string, unknown>;
  /** Values `'publish'` / `'subscribe'`. */
  readonly capabilities: ReadonlySet<string>;
  readonly isLocal: boolean;
  /** `StageParticipantInfo.userInfo` (optional here: custom drivers may have none). */
  readonly userInfo?: Record<string, unknown>;
  videoStopped: boolean;
  audioMuted: boolean;
  isPublishing: boolean;
}

/** `NetworkQuality` values: 4 EXCELLENT, 3 GOOD, 2 NORMAL, 1 POOR, 0 DOWN. */
export type DriverNetworkQuality = 0 | 1 | 2 | 3 | 4;

/**
 * The fields of `LocalAudioStats` / `LocalVideoStats` / `RemoteAudioStats` / `RemoteVideoStats` the
 * session reads (all optional in the SDK too).
 */
export interface DriverQualityStats {
  readonly networkQuality?: DriverNetworkQuality | number;
  /** Local video only (`outbound-rtp`): `none`, `cpu`, `bandwidth` or `other`. */
  readonly qualityLimitationReason?: string;
  readonly packetsLost?: number;
  readonly jitter?: number;
  readonly framesPerSecond?: number;
  readonly frameWidth?: number;
  readonly frameHeight?: number;
}

/** `StageStreamLayer`: one simulcast layer of a remote video stream. */
export interface DriverStreamLayer {
  readonly label: string;
  readonly bitrateBps: number;
  readonly width: number;
  readonly height: number;
  readonly framesPerSecond: number;
  readonly selected: boolean;
}

/** `StageStreamLayerSelectedReason` values. */
export type DriverLayerSelectedReason = 'unavailable' | 'selected';

/** `SeiMessage`: a user-data-unregistered SEI message (16-byte uuid, payload). */
export interface DriverSeiMessage {
  readonly uuid: ArrayBuffer;
  readonly payload: ArrayBuffer;
}

/** `StageSubtitleCue`. */
export interface DriverSubtitleCue {
  readonly text: string;
  readonly languageCode: string;
  readonly targetParticipantId?: string;
  readonly languageLabel?: string;
  readonly startTimeMs?: number;
  readonly endTimeMs?: number;
}

/** `StageStream` (local or remote). */
export interface DriverStream {
  readonly id?: string;
  readonly streamType: DriverStreamType | string;
  readonly mediaStreamTrack: MediaStreamTrack;
  readonly isMuted: boolean;
  getStats?(): Promise<RTCStatsReport | undefined>;
  /** `requestQualityStats()` (Amazon IVS; the local driver has none: the session's classifier applies). */
  requestQualityStats?(): Promise<readonly DriverQualityStats[] | undefined>;
}

/** `RemoteStageStream`: the simulcast parts (optional: custom drivers may have none). */
export interface DriverRemoteStream extends DriverStream {
  /** Whether the server adapts the layer (`true`) or delivers the one the strategy chose (`false`). */
  readonly isAdapting?: boolean;
  getLayers?(): DriverStreamLayer[];
  getSelectedLayer?(): DriverStreamLayer | undefined;
  getLowestQualityLayer?(): DriverStreamLayer | undefined;
  getHighestQualityLayer?(): DriverStreamLayer | undefined;
}

/** `LocalStageStream`. */
export interface DriverLocalStream extends DriverStream {
  setMuted(muted: boolean): void;
  /**
   * Optional (not in the IVS SDK): swaps the track in place while published, without renegotiating
   * (`RTCRtpSender.replaceTrack`). Without it, StageSession swaps in a new local stream of the same kind
   * and re-runs the strategy: the local driver then replaces the sender's track (no republish), the IVS
   * SDK republishes.
   */
  replaceTrack?(track: MediaStreamTrack): Promise<void> | void;
  /**
   * `insertSeiMessage()`: sends a payload (1 byte to 1 KB) with the published video; needs the stream's
   * `inBandMessaging` enabled. `repeatCount` 0–30.
   */
  insertSeiMessage?(payload: ArrayBuffer, options?: { repeatCount?: number }): Promise<void>;
}

/** `JitterBufferMinDelay` values, or a delay in ms. */
export type DriverJitterBufferMinDelay = 'default' | 'low' | 'medium' | 'high' | number;

/** `InitialLayerPreference` values. */
export type DriverInitialLayerPreference = 'lowest_quality' | 'highest_quality';

/** `SubscribeConfiguration`. */
export interface DriverSubscribeConfiguration {
  jitterBuffer?: { minDelay?: DriverJitterBufferMinDelay };
  inBandMessaging?: { enabled: boolean };
  simulcast?: { initialLayerPreference?: DriverInitialLayerPreference };
}

/**
 * `StageSubscribeStreamType` values: a strategy may answer a list of them instead of a
 * `SubscribeType` (the only way to ask for subtitle cues).
 */
export type DriverSubscribeStreamType = 'audio' | 'video' | 'subtitles';

/**
 * A strategy's answer as a `SubscribeType`: a stream-type list with video is `audio_video`, with audio
 * only `audio_only`, otherwise (subtitles only, or empty) `none`. For drivers without per-type
 * subscriptions.
 */
export function subscribeTypeOf(answer: DriverSubscribeType | readonly DriverSubscribeStreamType[]): DriverSubscribeType {
  if (!Array.isArray(answer)) return answer as DriverSubscribeType;
  if (answer.includes('video')) return 'audio_video';
  return answer.includes('audio') ? 'audio_only' : 'none';
}

/** `StageStrategy`. */
export interface DriverStrategy {
  stageStreamsToPublish(): DriverLocalStream[];
  shouldPublishParticipant(participant: DriverParticipantInfo): boolean;
  shouldSubscribeToParticipant(participant: DriverParticipantInfo): DriverSubscribeType | DriverSubscribeStreamType[];
  /** Merged by the media stack over its defaults. */
  subscribeConfiguration?(participant: DriverParticipantInfo): DriverSubscribeConfiguration;
  /** A layer of `stream` (or its label) to receive; `undefined`/`null` lets the server adapt. */
  preferredLayerForStream?(participant: DriverParticipantInfo, stream: DriverRemoteStream): DriverStreamLayer | string | undefined | null;
}

/**
 * `StageError`: the four fields the IVS SDK's public `StageError` interface declares. Whether an
 * error ends the connection follows from its category and code (see `stage-connection.ts`), never
 * from undeclared fields.
 */
export interface DriverStageError {
  readonly name: string;
  readonly code: number;
  readonly category: DriverErrorCategory | string;
  readonly message: string;
  /**
   * Optional, not in the IVS SDK's public `StageError`: a driver may name the remote participant a
   * subscribe error concerns (ivs-local's does). Amazon IVS errors leave it out; the participant's
   * `subscribeState` (`errored`) says who is concerned there.
   */
  readonly remoteParticipantId?: string;
}

/** Listener signatures, keyed by `StageEvents` value (positional, as the IVS SDK emits them). */
export interface DriverStageEventMap {
  stageConnectionStateChanged: (state: DriverConnectionState) => void;
  stageParticipantJoined: (participant: DriverParticipantInfo) => void;
  stageParticipantLeft: (participant: DriverParticipantInfo) => void;
  stageParticipantPublishStateChanged: (participant: DriverParticipantInfo, state: DriverPublishState) => void;
  stageParticipantSubscribeStateChanged: (participant: DriverParticipantInfo, state: DriverSubscribeState) => void;
  stageParticipantStreamsAdded: (participant: DriverParticipantInfo, streams: DriverStream[]) => void;
  stageParticipantStreamsRemoved: (participant: DriverParticipantInfo, streams: DriverStream[]) => void;
  stageStreamMuteChanged: (participant: DriverParticipantInfo, stream: DriverStream) => void;
  stageSubscriberCountChanged: (count: number) => void;
  error: (error: DriverStageError) => void;
  stageLeft: (reason: DriverLeftReason) => void;
  stageParticipantMetadataChanged: (participant: DriverParticipantInfo) => void;
  stageStreamSeiMessageReceived: (participant: DriverParticipantInfo, message: DriverSeiMessage) => void;
  stageStreamLayersChanged: (participant: DriverParticipantInfo, stream: DriverRemoteStream, layers: DriverStreamLayer[]) => void;
  stageStreamLayerSelected: (
    participant: DriverParticipantInfo,
    stream: DriverRemoteStream,
    layer: DriverStreamLayer | undefined,
    reason: DriverLayerSelectedReason,
  ) => void;
  stageStreamAdaptionChanged: (participant: DriverParticipantInfo, stream: DriverRemoteStream, adapting: boolean) => void;
  /** The subtitle stream itself is not passed on (the session needs only the cue). */
  stageParticipantSubtitleCueReceived: (participant: DriverParticipantInfo, cue: DriverSubtitleCue) => void;
}

/** `Stage`. */
export interface DriverStage {
  join(): Promise<void>;
  leave(): void;
  refreshStrategy(): void;
  replaceStrategy(strategy: DriverStrategy): void;
  exchangeToken(token: string): Promise<void>;
  on<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void;
  off<E extends keyof DriverStageEventMap>(event: E, listener: DriverStageEventMap[E]): void;
}

/** `SimulcastLocalLayerConfiguration`: one layer a simulcast publisher sends. */
export interface DriverSimulcastLayer {
  readonly width: number;
  readonly height: number;
  readonly maxBitrateKbps: number;
  readonly maxFramerate: number;
}

/**
 * A simulcast layer preset, by height: the IVS driver uses the SDK's `SimulcastLayerPresets.DEFAULT_<n>`,
 * the local driver its own table (README, "Simulcast").
 */
export type SimulcastPreset = '720p' | '540p' | '480p' | '360p' | '270p' | '180p' | '160p';

/** Audio/video publish settings passed to the driver's `LocalStageStream` constructor. */
export interface DriverStreamConfig {
  /** Video: max bitrate in kbps, max framerate, simulcast on/off. Audio: max bitrate in kbps, stereo. */
  maxBitrate?: number;
  maxFramerate?: number;
  maxAudioBitrateKbps?: number;
  stereo?: boolean;
  /**
   * Video: send simulcast layers (at most 3). Without `layers`, the media stack's default layers.
   * A preset name is resolved by the driver.
   */
  simulcast?: { enabled: boolean; layers?: readonly (DriverSimulcastLayer | SimulcastPreset)[] };
  /** Video: allow `insertSeiMessage()` on this stream. */
  inBandMessaging?: { enabled: boolean };
}

/** A media stack that can run a stage. */
export interface StageDriver {
  /** `'ivs'` for Amazon IVS, `'local'` for ivs-local, anything for a custom driver. */
  readonly kind: string;
  createStage(token: string, strategy: DriverStrategy): DriverStage;
  createLocalStream(track: MediaStreamTrack, config?: DriverStreamConfig): DriverLocalStream;
}

/**
 * Picks the driver for a token. The default factory returns the local driver for tokens minted by
 * ivs-local and the IVS driver for all others; pass your own as `StageSession`'s `stageFactory`.
 */
export type StageFactory = (token: string) => StageDriver | Promise<StageDriver>;
