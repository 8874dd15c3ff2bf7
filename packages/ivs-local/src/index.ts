/**
 * `aws-ivs-realtime/local`: ivs-local, an offline emulator of the documented IVS Real-Time and IVS
 * Chat APIs for development and CI. Node only.
 *
 * - {@link startLocalIvs} starts one loopback HTTP server with both control planes (any AWS SDK
 *   works against it with `endpoint: url` and the emulator's credentials), the chat WebSocket
 *   (`/chat`) and the local stage media server (`/stage/<stageId>/...`).
 * - Participant tokens it mints are ES384 JWTs with IVS claim names plus `ivs_local: true`, so
 *   `StageSession` routes them to the local stage driver.
 */
export { startLocalIvs, DEFAULT_LOCAL_CREDENTIALS, DEFAULT_MAX_BODY_BYTES } from './server';
export { IVS_LOCAL_VERSION, HEALTH_PATH } from './version';
export type { StartLocalIvsOptions, LocalIvs, LocalCredentials } from './server';
export { LocalDataFileError } from './persistence';
export type { LocalDataFileProblem } from './persistence';
export { ParticipantTokenRejectedError } from './hub';
export type {
  LocalHub,
  LocalModule,
  LocalModuleContext,
  LocalModuleFactory,
  ChatTokenGrant,
  ParticipantGrant,
  ParticipantStateUpdate,
  ParticipantTokenRejection,
  RoomLimits,
  LocalHubEvents,
  LocalHubEmitter,
  LocalChatCapability,
} from './hub';
// The data-plane modules, for custom `modules` lists (the defaults mount both).
export { defaultModules } from './default-modules';
export { createChatModule, ROOM_DELETED_EVENT } from './chat';
export type { ChatModule, ChatModuleOptions } from './chat';
export { createStageMediaModule } from './stage-media';
export type { StageMediaOptions } from './stage-media';
