/**
 * Picks the stage driver for a participant token: tokens minted by ivs-local select the local driver
 * (WHIP/WHEP against the emulator), all others the Amazon IVS driver. Both load lazily.
 */
import { StageError } from '../core/errors';
import { decodeParticipantToken, isLocalStageToken } from '../core/token';
import type { StageDriver } from './driver';
import { loadIvsDriver } from './ivs-driver';

/** The shape `src/local-stage/index.ts` exports. @internal */
interface LocalStageModule {
  loadLocalDriver(): Promise<StageDriver> | StageDriver;
}

async function loadLocalDriverModule(): Promise<StageDriver> {
  let mod: Partial<LocalStageModule>;
  try {
    mod = await import('../local-stage');
  } catch (cause) {
    throw new StageError('join', 'Could not load the local stage driver needed for ivs-local tokens.', { cause });
  }
  if (typeof mod.loadLocalDriver !== 'function') {
    throw new StageError('join', 'The local stage driver is not available in this build (no loadLocalDriver export).');
  }
  return mod.loadLocalDriver();
}

/**
 * The default `stageFactory` of StageSession. Decodes the token's claims (without verifying them):
 * ivs-local tokens (`isLocalStageToken`) use the local driver, all others the IVS driver
 * ({@link loadIvsDriver}).
 *
 * To use another media stack, pass your own `stageFactory` to `StageSession` (the one way to replace
 * a driver); it can delegate to this function for the tokens it does not handle:
 * `stageFactory: (token) => (isMine(token) ? myDriver : defaultStageFactory(token))`.
 * @throws {TokenError} when the token is malformed.
 */
export async function defaultStageFactory(token: string): Promise<StageDriver> {
  const claims = decodeParticipantToken(token);
  return isLocalStageToken(claims) ? loadLocalDriverModule() : loadIvsDriver();
}
