/**
 * `aws-ivs-realtime/chat`: ChatSession, HttpControlPlane and the errors — for an app that installs
 * `amazon-ivs-chat-messaging` and not `amazon-ivs-web-broadcast`. Nothing this entry can load
 * (statically or on first use) imports the stage SDK, so every bundler builds such an app without
 * it. The classes are the same as those of `.` (one build, shared chunks).
 */

// Errors
export {
  IvsRealtimeError,
  ValidationError,
  InvalidStateError,
  AbortedError,
  TimeoutError,
  TokenError,
  StageError,
  StageUnsupportedError,
  MediaDeviceError,
  ControlPlaneError,
  ChatError,
  LoadError,
  isIvsRealtimeError,
} from '../core/errors';
export type {
  IvsErrorCode,
  IvsRealtimeErrorOptions,
  IvsRealtimeErrorByCode,
  ControlPlaneErrorInit,
  TokenErrorReason,
  StageErrorCategory,
  MediaDeviceFailure,
  ChatErrorReason,
} from '../core/errors';

// Events
export { TypedEmitter } from '../core/emitter';
export type { EventMap, Listener } from '../core/emitter';
export type { Logger } from '../core/logger';

// Chat
export { ChatSession, DEFAULT_RECONNECT_POLICY, MAX_MESSAGE_LENGTH } from '../chat';
export type {
  ChatSessionOptions,
  ChatConnectOptions,
  ReconnectPolicy,
  ChatToken,
  ChatTokenProvider,
  ChatMessage,
  ChatSender,
  ChatEvent,
  MessageDeletedEvent,
  UserDisconnectedEvent,
  ChatSessionState,
  ChatStopReason,
  ChatSessionEvents,
  ChatRoomConstructor,
} from '../chat';
// What ChatSession needs of a ChatRoom (for a custom `ChatRoom` option, e.g. a test double).
export type {
  ChatRoomLike,
  ChatRoomLogger,
  ChatRoomListeners,
  RoomChatMessage,
  RoomChatEvent,
  RoomDeleteMessageEvent,
  RoomDisconnectUserEvent,
} from '../chat/types';

// Control plane (browser-safe part)
export { HttpControlPlane, listLiveStages, CONTROL_PLANE_LIMITS } from '../control-plane';
export type {
  HttpControlPlaneHeaders,
  HttpControlPlaneOptions,
  ListLiveStagesOptions,
  ControlPlaneOperation,
  RestErrorBody,
  CallOptions,
  ChatCapability,
  ChatRoomSummary,
  ChatTokenResult,
  ControlPlane,
  CreateChatRoomInput,
  CreateStageInput,
  DisconnectParticipantInput,
  MintChatTokenInput,
  MintParticipantTokenInput,
  ParticipantCapability,
  ParticipantTokenResult,
  StageDetails,
  StageEndpoints,
  StageSummary,
} from '../control-plane';
