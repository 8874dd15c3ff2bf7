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
export type { MediaDevicesLike } from './media-devices';
