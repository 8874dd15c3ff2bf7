/**
 * Browser media helpers: support check, permissions, device list. Nothing here touches `window`,
 * `navigator` or `document` at import time.
 */
export { checkStageSupport, isStageSupported } from './support';
export type { StageRequirement, StageSupport } from './support';
export { requestMediaPermissions } from './permissions';
export type { MediaPermissionRequest, MediaHelperOptions } from './permissions';
export { listMediaDevices } from './devices';
export type { MediaDeviceList } from './devices';
export type { MediaDevicesLike } from '../core/media-devices';
// Opt-in media features: each is its own module, so an app that does not import one does not ship it.
export { DeviceManager, switchDevice, canSelectAudioOutput } from './device-manager';
export type { CaptureKind, DeviceKind, DeviceSwitchTarget, SwitchDeviceOptions, DeviceManagerOptions, DeviceManagerEvents } from './device-manager';
export { MediaPreview } from './preview';
export type { MediaPreviewOptions, MediaPreviewEvents } from './preview';
export { ActiveSpeakerDetector } from './active-speaker';
export type { ActiveSpeakerOptions, ActiveSpeakerEvents, ActiveSpeakerSource } from './active-speaker';
export { NetworkQualityMonitor, classifyNetworkQuality } from './network-quality';
export type { NetworkQuality, NetworkQualityStats, NetworkQualityThresholds, NetworkQualityOptions, NetworkQualityEvents, NetworkQualitySource } from './network-quality';
export { ScreenShare, SCREEN_SHARE_ATTRIBUTE, screenShareOwner } from './screen-share';
export type { ScreenShareOptions, ScreenShareEvents, ScreenShareEndReason, ScreenShareTokenRequest } from './screen-share';
