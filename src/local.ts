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
export { startLocalIvs, DEFAULT_LOCAL_CREDENTIALS, DEFAULT_MAX_BODY_BYTES } from './local/server';
export type { StartLocalIvsOptions, LocalIvs, LocalCredentials } from './local/server';
export { LocalDataFileError } from './local/persistence';
export type { LocalDataFileProblem } from './local/persistence';
export { ParticipantTokenRejectedError } from './local/hub';
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
} from './local/hub';
// The data-plane modules, for custom `modules` lists (the defaults mount both).
export { defaultModules } from './local/default-modules';
export { createChatModule, ROOM_DELETED_EVENT } from './local/chat';
export type { ChatModule, ChatModuleOptions } from './local/chat';
export { createStageMediaModule } from './local/stage-media';
export type { StageMediaOptions } from './local/stage-media';
// Synthetic participants and the load test (plain WHIP from Node; `ivs-local bots` / `ivs-local load-test`).
export { startBots, BotsOptionsError } from './local/bots/bots';
export type { StartBotsOptions, Bots, Bot, LocalEndpoint } from './local/bots/bots';
export { runLoadTest, formatLoadTestReport, LoadTestOptionsError } from './local/bots/load-test';
export type { LoadTestOptions, LoadTestReport, SubscriberReport } from './local/bots/load-test';
