import type { QualityChangedEvent, SpeakersChangedEvent } from '../core/addon-events';
import type { IvsRealtimeError } from '../core/errors';

/** Connection state of a {@link StageSession}. */
export type StageSessionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/**
 * Why the session left the stage.
 * - `user`: `leave()`/`dispose()` was called;
 * - `stage-deleted`: the stage was deleted (DeleteStage);
 * - `kicked`: the participant was disconnected (DisconnectParticipant);
 * - `token-reused`: another client joined with the same token;
 * - `token-expired`: the token expired while connected;
 * - `error`: the connection failed and could not be recovered (see `error`).
 */
export type LeftReason = 'user' | 'stage-deleted' | 'kicked' | 'token-reused' | 'token-expired' | 'error';

export type PublishState = 'not-published' | 'attempting' | 'published' | 'errored';
export type SubscribeState = 'not-subscribed' | 'attempting' | 'subscribed' | 'errored';

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
export type ParticipantChange = 'attributes' | 'capabilities' | 'publishState' | 'subscribeState' | 'streams' | 'mute';

/** Events of a {@link StageSession}: one object payload each. */
export interface StageSessionEvents {
  stateChanged: { state: StageSessionState; previous: StageSessionState };
  participantJoined: { participant: Participant };
  participantLeft: { participant: Participant };
  participantUpdated: { participant: Participant; previous: Participant; changes: ParticipantChange[] };
  streamsChanged: { participant: Participant; added: ParticipantStream[]; removed: ParticipantStream[] };
  muteChanged: { participant: Participant; kind: 'audio' | 'video'; muted: boolean };
  subscriberCountChanged: { count: number };
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
