/**
 * `aws-ivs-realtime`: Amazon IVS Real-Time stages and IVS Chat for the web.
 *
 * Importing this entry touches no browser global and loads no heavy dependency:
 * `amazon-ivs-web-broadcast` is imported on the first `StageSession.join()` with an AWS token, the
 * local stage driver on the first join with an ivs-local token, and `amazon-ivs-chat-messaging` on
 * the first `ChatSession.connect()`.
 *
 * Deliberately not exported here:
 * - `SigV4ControlPlane`: `aws-ivs-realtime/sigv4` (pulls the AWS SDK; development only in a browser);
 * - `createControlPlaneHandler`: `aws-ivs-realtime/server` (runs on your backend);
 * - `startLocalIvs`: the `ivs-local` package (Node only).
 *
 * @example
 * ```ts
 * import { StageSession, StageGrid, ChatSession, HttpControlPlane } from 'aws-ivs-realtime';
 *
 * const controlPlane = new HttpControlPlane({ baseUrl: '/api', region: 'us-east-1' });
 * const { token } = await controlPlane.mintParticipantToken({ stageArn, userId: 'ana' });
 * const session = new StageSession({ strategy: 'host' });
 * const grid = new StageGrid(document.querySelector('#stage')!, session);
 * await session.join({ token, publish: true });
 * ```
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
} from './core/errors';
export type {
  IvsErrorCode,
  IvsRealtimeErrorOptions,
  IvsRealtimeErrorByCode,
  ControlPlaneErrorInit,
  TokenErrorReason,
  StageErrorCategory,
  MediaDeviceFailure,
  ChatErrorReason,
} from './core/errors';

// Events and tokens
export { TypedEmitter } from './core/emitter';
export type { EventMap, Listener } from './core/emitter';
export type { Logger } from './core/logger';
export type { SpeakersChangedEvent, QualityChangedEvent, SessionAddonEvents, AddonEmit, AddonHost } from './core/addon-events';
export { decodeParticipantToken, assertTokenUsable, isLocalStageToken } from './core/token';
export type { ParticipantTokenClaims, TokenCapabilities } from './core/token';

// Stage
export { StageSession } from './stage/stage-session';
export type { StageSessionOptions, JoinOptions } from './stage/stage-session';
export type {
  StageSessionState,
  StageSessionEvents,
  LeftReason,
  Participant,
  ParticipantStream,
  ParticipantChange,
  PublishState,
  SubscribeState,
  StreamLayer,
  StreamLayers,
  LayerPreference,
  LayersChangeReason,
  StreamQuality,
  StreamNetworkQuality,
  SubtitleCue,
  SubscribeSettings,
} from './stage/types';
export type { StrategyOption, SessionStrategy, SubscribeDecision } from './stage/strategies';
export type { PublishMediaOptions, PublishConfig } from './stage/local-media';
export { defaultStageFactory } from './stage/default-factory';
export { loadIvsDriver, ivsStageFactory, type IvsStageFactoryOptions } from './stage/ivs-driver';
export type {
  StageDriver,
  StageFactory,
  DriverStage,
  DriverStrategy,
  DriverLocalStream,
  DriverStream,
  DriverParticipantInfo,
  DriverStageError,
  DriverStageEventMap,
  DriverStreamConfig,
  DriverConnectionState,
  DriverLeftReason,
  DriverPublishState,
  DriverSubscribeState,
  DriverSubscribeType,
  DriverStreamType,
  DriverErrorCategory,
  DriverRemoteStream,
  DriverStreamLayer,
  DriverLayerSelectedReason,
  DriverSeiMessage,
  DriverSubtitleCue,
  DriverQualityStats,
  DriverNetworkQuality,
  DriverSubscribeConfiguration,
  DriverSubscribeStreamType,
  DriverJitterBufferMinDelay,
  DriverInitialLayerPreference,
  DriverSimulcastLayer,
  SimulcastPreset,
} from './stage/driver';

// Media helpers
export { checkStageSupport, isStageSupported, requestMediaPermissions, listMediaDevices } from './media';
export type { StageRequirement, StageSupport, MediaPermissionRequest, MediaHelperOptions, MediaDeviceList, MediaDevicesLike } from './media';
// Opt-in media features (tree-shaken away unless imported)
export { DeviceManager, switchDevice, canSelectAudioOutput, MediaPreview, ActiveSpeakerDetector, NetworkQualityMonitor, classifyNetworkQuality } from './media';
export { ScreenShare, SCREEN_SHARE_ATTRIBUTE, screenShareOwner } from './media';
export type { CaptureKind, DeviceKind, DeviceSwitchTarget, SwitchDeviceOptions, DeviceManagerOptions, DeviceManagerEvents, MediaPreviewOptions, MediaPreviewEvents } from './media';
export type {
  ActiveSpeakerOptions,
  ActiveSpeakerEvents,
  ActiveSpeakerSource,
  NetworkQuality,
  NetworkQualityStats,
  NetworkQualityThresholds,
  NetworkQualityOptions,
  NetworkQualityEvents,
  NetworkQualitySource,
} from './media';
export type { ScreenShareOptions, ScreenShareEvents, ScreenShareEndReason, ScreenShareTokenRequest } from './media';
export type { MediaPreviewPhase } from './media/preview';

// Grid
export { StageGrid, computeGridLayout, computeSpotlightLayout, DEFAULT_STAGE_GRID_LABELS, STAGE_GRID_CSS } from './grid';
export type {
  StageGridEvents,
  StageGridOptions,
  StageGridSource,
  StageGridSourceEvents,
  StageGridLayoutMode,
  StageGridTileOrder,
  GridLayout,
  GridLayoutInput,
  SpotlightLayout,
  SpotlightLayoutInput,
  StageGridLabels,
  ParticipantIndicators,
} from './grid';

// Chat
export { ChatSession, DEFAULT_RECONNECT_POLICY, MAX_MESSAGE_LENGTH } from './chat';
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
} from './chat';
// What ChatSession needs of a ChatRoom (for a custom `ChatRoom` option, e.g. a test double).
export type {
  ChatRoomLike,
  ChatRoomLogger,
  ChatRoomListeners,
  RoomChatMessage,
  RoomChatEvent,
  RoomDeleteMessageEvent,
  RoomDisconnectUserEvent,
} from './chat/types';

// Control plane (browser-safe part)
export { HttpControlPlane, listLiveStages, CONTROL_PLANE_LIMITS } from './control-plane';
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
} from './control-plane';
