/**
 * `ivs-local`, an offline emulator of the documented IVS Real-Time and IVS
 * Chat APIs for development and CI. Node only.
 *
 * - {@link startLocalIvs} starts one loopback HTTP server with both control planes (any AWS SDK
 *   works against it with `endpoint: url` and the emulator's credentials), the chat WebSocket
 *   (`/chat`), the local stage media server (`/stage/<stageId>/...`) and a health endpoint
 *   (`/_ivs-local/health`). Options of the chat socket and the stage media server pass through it
 *   (`chat`, `stageMedia`).
 * - Participant tokens it mints are ES384 JWTs with IVS claim names plus `ivs_local: true`, so
 *   `StageSession` routes them to the local stage driver.
 * - Every error it throws is an {@link IvsLocalError} with a stable `code`.
 */
import { startLocalIvs as start, type IvsLocalServer, type StartLocalIvsOptions } from './server';

/**
 * Starts ivs-local and resolves once it listens.
 *
 * @example
 * ```ts
 * import { startLocalIvs } from 'ivs-local';
 * import { IVSRealTimeClient, CreateStageCommand } from '@aws-sdk/client-ivs-realtime';
 *
 * const ivs = await startLocalIvs({ port: 0 });
 * const client = new IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials });
 * const { stage } = await client.send(new CreateStageCommand({ name: 'demo' }));
 * await ivs.close();
 * ```
 */
export const startLocalIvs: (options?: StartLocalIvsOptions) => Promise<IvsLocalServer> = start;

export { DEFAULT_LOCAL_CREDENTIALS, DEFAULT_MAX_BODY_BYTES } from './server';
export type {
  StartLocalIvsOptions,
  IvsLocalServer,
  LocalIvs,
  LocalCredentials,
  IvsLocalRequestLog,
  IvsLocalChatOptions,
  IvsLocalStageMediaOptions,
} from './server';
export { HEALTH_PATH as IVS_LOCAL_HEALTH_PATH } from './router';
export { ivsLocalVersion } from './version';
export { IvsLocalError, IvsLocalOptionError } from './errors';
export type { IvsLocalErrorCode } from './errors';
export { LocalDataFileError, LocalDataFileError as IvsLocalDataFileError } from './persistence';
export type { LocalDataFileProblem, LocalDataFileProblem as IvsLocalDataFileProblem } from './persistence';
export { ParticipantTokenRejectedError } from './hub';
export type { ParticipantTokenRejection } from './hub';
// The option shapes behind IvsLocalChatOptions / IvsLocalStageMediaOptions (types only).
export type { ChatModuleOptions } from './chat';
export type { StageMediaOptions } from './stage-media';
// Synthetic participants and the load test (plain WHIP from Node; `ivs-local bots` / `ivs-local load-test`).
export { startBots, BotsOptionsError } from './bots/bots';
export type { StartBotsOptions, Bots, Bot, LocalEndpoint } from './bots/bots';
export { BOT_SIMULCAST_LAYERS } from './bots/simulcast';
export type { BotLayer } from './bots/simulcast';
export { runLoadTest, formatLoadTestReport, LoadTestOptionsError } from './bots/load-test';
export type { LoadTestOptions, LoadTestReport, SubscriberReport } from './bots/load-test';
