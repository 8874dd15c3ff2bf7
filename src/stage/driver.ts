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
  videoStopped: boolean;
  audioMuted: boolean;
  isPublishing: boolean;
}

/** `StageStream` (local or remote). */
export interface DriverStream {
  readonly id?: string;
  readonly streamType: DriverStreamType | string;
  readonly mediaStreamTrack: MediaStreamTrack;
  readonly isMuted: boolean;
  getStats?(): Promise<RTCStatsReport | undefined>;
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
}

/** `StageStrategy`. */
export interface DriverStrategy {
  stageStreamsToPublish(): DriverLocalStream[];
  shouldPublishParticipant(participant: DriverParticipantInfo): boolean;
  shouldSubscribeToParticipant(participant: DriverParticipantInfo): DriverSubscribeType;
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

/** Audio/video publish settings passed to the driver's `LocalStageStream` constructor. */
export interface DriverStreamConfig {
  /** Video: max bitrate in kbps, max framerate, simulcast on/off. Audio: max bitrate in kbps, stereo. */
  maxBitrate?: number;
  maxFramerate?: number;
  maxAudioBitrateKbps?: number;
  stereo?: boolean;
  simulcast?: { enabled: boolean };
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
