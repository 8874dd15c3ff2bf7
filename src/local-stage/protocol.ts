/**
 * The ivs-local stage protocol: JSON frames on the events WebSocket (`/stage/<stageId>/events`) and
 * the error bodies of the WHIP/WHEP endpoints. Shared, as types only, by the emulator's stage media
 * server (Node) and the browser `LocalStage` driver. The normative description is
 * `docs/local-stage-protocol.md`; keep both in step.
 */

/** Version announced in `welcome`; bumped on incompatible changes. */
export const LOCAL_STAGE_PROTOCOL_VERSION = 1;

/**
 * The uuid of an in-band message sent without one (32 lowercase hex digits, the form of the
 * `uuid` of Amazon IVS `STAGE_STREAM_SEI_MESSAGE_RECEIVED`).
 */
export const LOCAL_IN_BAND_UUID = '7e5f0ac6c8f44e4b9d6b1b6a2f1c9e01';

/**
 * The longest subtitle cue `text` the local stage carries, in UTF-8 bytes: the local stage's own
 * limit (Amazon IVS's `SUBTITLE_MAX_TEXT_BYTES` has no value in its public types).
 */
export const LOCAL_SUBTITLE_MAX_TEXT_BYTES = 1024;

/** Media kinds a participant can publish. */
export type LocalMediaKind = 'audio' | 'video';

/**
 * One simulcast layer of a published video track. Its `rid` and limits come from the WHIP offer's
 * `a=rid:<rid> send max-width=…;max-height=…;max-br=…;max-fps=…` lines (RFC 8851 restrictions);
 * a limit the offer does not give is 0.
 */
export interface LocalLayerInfo {
  /** The RTP stream id (`a=rid`), also the layer's label. */
  rid: string;
  width: number;
  height: number;
  /** `max-br`, in bits per second. */
  bitrateBps: number;
  /** `max-fps`. */
  framesPerSecond: number;
  /** Whether RTP of this layer arrived in the last second (an encoder may pause a layer). */
  active: boolean;
}

/** A published track, as announced to the other participants. */
export interface LocalStreamInfo {
  kind: LocalMediaKind;
  /** Negotiated codec, e.g. `video/VP8`, `video/H264`, `audio/opus`. */
  mimeType: string;
  /** The codec's fmtp parameters as negotiated (H.264 profile, packetization mode), '' when none. */
  sdpFmtpLine: string;
  /** Video sent as simulcast: its layers, lowest quality first. Absent for a single encoding. */
  layers?: LocalLayerInfo[];
}

/** Why a subscriber's `layerState` was sent. */
export type LocalLayerChangeReason = 'available' | 'selected' | 'unavailable' | 'adaption';

/** A subtitle cue on the events socket (the fields of Amazon IVS `StageSubtitleCue`). */
export interface LocalSubtitleCue {
  text: string;
  languageCode: string;
  languageLabel?: string;
  /** The participant the cue is about; absent: its author. */
  targetParticipantId?: string;
  startTimeMs?: number;
  endTimeMs?: number;
}

/** A participant as seen on the events socket. */
export interface LocalParticipantView {
  id: string;
  userId: string;
  attributes: Record<string, string>;
  capabilities: { publish: boolean; subscribe: boolean };
  /** Whether a WHIP session of this participant is connected and forwarding media. */
  published: boolean;
  /** The tracks of the connected WHIP session (empty when not published). */
  streams: LocalStreamInfo[];
  audioMuted: boolean;
  videoMuted: boolean;
}

/** Why the server ended a participant's session (`left` frame). */
export type LocalLeftReason =
  | 'user'
  | 'stage-deleted'
  | 'participant-disconnected'
  | 'token-reused'
  | 'token-expired'
  | 'error';

/** Machine-readable error codes of `error` frames and of WHIP/WHEP error bodies. */
export type LocalStageErrorCode =
  | 'bad-request'
  | 'token-malformed'
  | 'token-forged'
  | 'token-expired'
  | 'token-wrong-stage'
  | 'stage-not-found'
  | 'participant-disconnected'
  | 'participant-mismatch'
  | 'capability-missing'
  | 'not-joined'
  | 'already-joined'
  | 'stage-at-capacity'
  | 'publisher-not-found'
  | 'codec-mismatch'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'method-not-allowed'
  | 'not-found'
  | 'internal';

/** Body of a WHIP/WHEP error response (`Content-Type: application/json`). */
export interface LocalStageHttpError {
  code: LocalStageErrorCode;
  message: string;
}

/** Frames sent by the client. The first frame must be `join`. */
export type ClientFrame =
  | { type: 'join'; token: string }
  | { type: 'mute'; kind: LocalMediaKind; muted: boolean }
  | { type: 'exchangeToken'; token: string; requestId?: string }
  /**
   * Which layer of a simulcast publisher to receive: a `rid`, `lowest`/`highest` (follow the layers
   * as they change), or `null` to let the server adapt. Applies on the publisher's next keyframe.
   */
  | { type: 'preferLayer'; publisherId: string; layer: string | null }
  /**
   * An in-band message with the sender's published video, relayed to the participants receiving that
   * video. `payload`: base64 of 1–1024 bytes; `uuid`: 32 hex digits (default: the protocol's own);
   * `repeatCount` 0–30 extra copies.
   */
  | { type: 'inBandMessage'; payload: string; uuid?: string; repeatCount?: number }
  /** A subtitle cue, relayed to every other participant. */
  | { type: 'subtitleCue'; cue: LocalSubtitleCue }
  | { type: 'leave' };

/** Frames sent by the server. */
export type ServerFrame =
  | {
      type: 'welcome';
      protocolVersion: number;
      /** The joined participant (`isLocal` on the client side). */
      self: LocalParticipantView;
      /** Every other participant currently in the stage. */
      participants: LocalParticipantView[];
      /** Participants subscribed to `self`'s published media. */
      subscriberCount: number;
    }
  | { type: 'participantJoined'; participant: LocalParticipantView }
  | { type: 'participantLeft'; participantId: string; reason: LocalLeftReason }
  | { type: 'publishStateChanged'; participantId: string; published: boolean }
  | { type: 'streamsChanged'; participantId: string; streams: LocalStreamInfo[] }
  | { type: 'muteChanged'; participantId: string; kind: LocalMediaKind; muted: boolean }
  | { type: 'metadataChanged'; participant: LocalParticipantView }
  | { type: 'tokenExchanged'; requestId?: string; self: LocalParticipantView }
  | { type: 'subscriberCount'; count: number }
  /**
   * To a subscriber of a simulcast publisher: the layers it sends, the one this subscriber receives
   * (`rid`, `null` before the first), and whether the server picks it (`adapting`).
   */
  | {
      type: 'layerState';
      publisherId: string;
      layers: LocalLayerInfo[];
      selected: string | null;
      adapting: boolean;
      reason: LocalLayerChangeReason;
    }
  | { type: 'inBandMessage'; participantId: string; payload: string; uuid: string }
  | { type: 'subtitleCue'; participantId: string; authorId: string; cue: LocalSubtitleCue }
  | { type: 'left'; reason: LocalLeftReason; message?: string }
  | { type: 'error'; code: LocalStageErrorCode; message: string; requestId?: string };

/** WebSocket close codes used by the server (4000–4999 are application codes). */
export const LocalCloseCode = {
  /** The session ended normally (`left` was sent first). */
  LEFT: 4000,
  /** The join was refused (an `error` frame was sent first). */
  JOIN_REFUSED: 4001,
  /** The client broke the protocol (an `error` frame was sent first). */
  PROTOCOL_ERROR: 4002,
  /** The heartbeat was not answered. */
  HEARTBEAT_TIMEOUT: 4003,
} as const;
