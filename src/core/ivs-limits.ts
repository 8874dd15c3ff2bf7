/**
 * One source of the Amazon IVS facts the SDK enforces: limits of the IVS Real-Time and IVS Chat
 * APIs (model constraints in the API references) and the constants of the wire protocols. The
 * control-plane validators, the chat checks and the chat engine import them from here.
 *
 * Sources: IVS Real-Time API reference (CreateStage, CreateParticipantToken, DisconnectParticipant,
 * TagResource), IVS Chat API reference (CreateRoom, CreateChatToken) and IVS Chat Messaging API
 * reference (SendMessage, DeleteMessage, DisconnectUser), at https://docs.aws.amazon.com/ivs/.
 */

/** Limits of the IVS APIs (model constraints), in characters unless named otherwise. */
export const IVS_LIMITS = Object.freeze({
  nameMaxLength: 128,
  arnMaxLength: 128,
  tagsMaxCount: 50,
  tagKeyMaxLength: 128,
  tagValueMaxLength: 256,
  attributesMaxBytes: 1024,
  participantUserIdMaxLength: 128,
  participantIdMaxLength: 64,
  participantTokenMinMinutes: 1,
  participantTokenMaxMinutes: 20_160,
  disconnectReasonMaxLength: 128,
  chatUserIdMaxLength: 128,
  chatSessionMinMinutes: 1,
  chatSessionMaxMinutes: 180,
  /** Room `maximumMessageLength` bounds, in Unicode code points; also the absolute message maximum. */
  messageLengthMin: 1,
  messageLengthMax: 500,
  /** Room `maximumMessageRatePerSecond` bounds. */
  messageRateMin: 1,
  messageRateMax: 100,
  /** DeleteMessage / DisconnectUser `Reason`. */
  chatReasonMaxLength: 256,
});

/** What CreateRoom sets when a limit is not given. */
export const IVS_CHAT_ROOM_DEFAULTS = Object.freeze({
  maximumMessageLength: 500,
  maximumMessageRatePerSecond: 10,
});

/** An AWS region name such as `us-east-1`. */
export const AWS_REGION_PATTERN = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

/** The chat event ivs-local sends to a room's connections before it closes them because the room was deleted. */
export const ROOM_DELETED_EVENT = 'ivs-local:ROOM_DELETED';

/**
 * Limits of publishing to and subscribing from an Amazon IVS stage, as `amazon-ivs-web-broadcast`
 * documents them (its `STAGE_MIN_*` / `STAGE_MAX_*` constants, `SimulcastConfiguration`,
 * `SimulcastLocalLayerConfiguration`, `LocalStageStream.insertSeiMessage`). StageSession checks its
 * `publishConfig`, `subscribe` and `sendInBandMessage()` arguments against them on every media stack.
 */
export const IVS_STAGE_LIMITS = Object.freeze({
  /** `SimulcastConfiguration.layers`: at least 1, at most 3. */
  simulcastMaxLayers: 3,
  /** `STAGE_MIN_RESOLUTION` / `STAGE_MAX_RESOLUTION`: each side of a layer, in pixels. */
  videoMinResolution: 160,
  videoMaxResolution: 1280,
  /** `STAGE_MIN_BITRATE` / `STAGE_MAX_BITRATE`, in kbps. */
  videoMinBitrateKbps: 50,
  videoMaxBitrateKbps: 2500,
  /** `STAGE_MIN_FRAMERATE` / `STAGE_MAX_FRAMERATE`. */
  videoMinFramerate: 10,
  videoMaxFramerate: 30,
  /** `insertSeiMessage`: payload "greater than 0KB and less than 1KB"; `repeatCount` 0–30; at most 10 KB per second. */
  inBandPayloadMaxBytes: 1024,
  inBandRepeatCountMax: 30,
  inBandBytesPerSecond: 10 * 1024,
  /** `SUBTITLE_MAX_LANGUAGE_LABEL_BYTES`: `StageSubtitleCue.languageLabel`, in UTF-8 bytes. */
  subtitleLanguageLabelMaxBytes: 96,
  /** Jitter buffer `minDelay` in ms, when given as a number. */
  jitterBufferMaxDelayMs: 4000,
});
