/**
 * Picks the stage driver for a participant token: tokens minted by ivs-local select the local driver
 * (WHIP/WHEP against the emulator), all others the Amazon IVS driver. Both load lazily.
 */
import { StageError } from '../core/errors';
import { decodeParticipantToken, isLocalStageToken } from '../core/token';
import type { StageDriver } from './driver';
import { loadIvsDriver } from './ivs-driver';

/** Loads a driver on first use. */
export type StageDriverLoader = () => Promise<StageDriver>;

/** The shape `src/local-stage/index.ts` exports. @internal */
interface LocalStageModule {
  loadLocalDriver(): Promise<StageDriver> | StageDriver;
}

const registry = new Map<string, StageDriverLoader>();

/**
 * Registers (or replaces) the loader for a driver kind used by {@link defaultStageFactory}:
 * `'ivs'` for Amazon IVS tokens, `'local'` for ivs-local tokens. Returns a function that restores
 * the previous loader. Mostly useful in tests and for custom media stacks.
 */
export function registerStageDriver(kind: 'ivs' | 'local', loader: StageDriverLoader): () => void {
  const previous = registry.get(kind);
  registry.set(kind, loader);
  return () => {
    if (previous) registry.set(kind, previous);
    else registry.delete(kind);
  };
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
 * ivs-local tokens (`isLocalStageToken`) use the local driver, all others the IVS driver.
 * @throws {TokenError} when the token is malformed.
 */
export async function defaultStageFactory(token: string): Promise<StageDriver> {
  const claims = decodeParticipantToken(token);
  const kind = isLocalStageToken(claims) ? 'local' : 'ivs';
  const loader = registry.get(kind) ?? (kind === 'local' ? loadLocalDriverModule : loadIvsDriver);
  return loader();
}
