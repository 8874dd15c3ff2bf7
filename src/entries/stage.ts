/**
 * `aws-ivs-realtime/stage`: everything of `aws-ivs-realtime` except ChatSession — for an app that
 * installs `amazon-ivs-web-broadcast` and not `amazon-ivs-chat-messaging`. Nothing this entry
 * can load (statically or on first use) imports the chat SDK, so every bundler builds such an app
 * without it. The classes are the same as those of `.` (one build, shared chunks).
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

// Events and tokens
export { TypedEmitter } from '../core/emitter';
export type { EventMap, Listener } from '../core/emitter';
export type { Logger } from '../core/logger';
export type { SpeakersChangedEvent, QualityChangedEvent, SessionAddonEvents, AddonEmit, AddonHost } from '../core/addon-events';
export { decodeParticipantToken, assertTokenUsable, isLocalStageToken } from '../core/token';
export type { ParticipantTokenClaims, TokenCapabilities } from '../core/token';

// Stage
export { StageSession } from '../stage/stage-session';
export type { StageSessionOptions, JoinOptions } from '../stage/stage-session';
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
} from '../stage/types';
export type { StrategyOption, SessionStrategy, SubscribeDecision } from '../stage/strategies';
export type { PublishMediaOptions, PublishConfig } from '../stage/local-media';
export { defaultStageFactory } from '../stage/default-factory';
export { loadIvsDriver, ivsStageFactory, type IvsStageFactoryOptions } from '../stage/ivs-driver';
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
} from '../stage/driver';

// Media helpers
export { checkStageSupport, isStageSupported, requestMediaPermissions, listMediaDevices } from '../media';
export type { StageRequirement, StageSupport, MediaPermissionRequest, MediaHelperOptions, MediaDeviceList, MediaDevicesLike } from '../media';
// Opt-in media features (tree-shaken away unless imported)
export { DeviceManager, switchDevice, canSelectAudioOutput, MediaPreview, ActiveSpeakerDetector, NetworkQualityMonitor, classifyNetworkQuality } from '../media';
export { ScreenShare, SCREEN_SHARE_ATTRIBUTE, screenShareOwner } from '../media';
export type { CaptureKind, DeviceKind, DeviceSwitchTarget, SwitchDeviceOptions, DeviceManagerOptions, DeviceManagerEvents, MediaPreviewOptions, MediaPreviewEvents } from '../media';
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
} from '../media';
export type { ScreenShareOptions, ScreenShareEvents, ScreenShareEndReason, ScreenShareTokenRequest } from '../media';
export type { MediaPreviewPhase } from '../media/preview';

// Grid
export { StageGrid, computeGridLayout, computeSpotlightLayout, DEFAULT_STAGE_GRID_LABELS, STAGE_GRID_CSS } from '../grid';
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
} from '../grid';

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
