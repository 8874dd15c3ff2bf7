/**
 * The local stage driver: runs a StageSession against ivs-local (WHIP publish, WHEP subscribe and
 * an events WebSocket, documented in `docs/local-stage-protocol.md`). Browser code; no Node imports.
 *
 * `StageSession`'s default factory loads this module for tokens minted by ivs-local.
 */
import type { DriverStreamConfig, StageDriver } from '../stage/driver';
import { LocalStage, type LocalStageOptions } from './local-stage';
import { LocalStageStream } from './streams';

export { LocalStage } from './local-stage';
export type { LocalStageOptions } from './local-stage';
export { LocalStageStream, RemoteStageStream } from './streams';
export { LocalStageError } from './errors';
export { LOCAL_STAGE_PROTOCOL_VERSION } from './protocol';
export type * from './protocol';

/**
 * Creates the local stage driver (`kind: 'local'`).
 *
 * @example
 * ```ts
 * const session = new StageSession({ stageFactory: () => loadLocalDriver({ videoCodec: 'H264' }) });
 * ```
 */
export async function loadLocalDriver(options: LocalStageOptions = {}): Promise<StageDriver> {
  return {
    kind: 'local',
    createStage: (token, strategy) => new LocalStage(token, strategy, options),
    createLocalStream: (track: MediaStreamTrack, config?: DriverStreamConfig) => new LocalStageStream(track, config),
  };
}
