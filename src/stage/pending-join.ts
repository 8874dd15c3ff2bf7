/**
 * A join whose driver (and engine) are still loading: `StageSession` owns it until the engine does.
 * An abort or `leave()` in that window cancels it, so the join does not wait for a load that may
 * never end. (Internal module: not part of the public API.)
 */
import { StageError, ValidationError, type AbortedError } from '../core/errors';
export { asJoinError as joinErrorOf } from '../core/errors';
import { chunkLoadFailure, loadOnce } from '../core/load-once';
import { assertTokenUsable, type ParticipantTokenClaims } from '../core/token';
import type { StageDriver } from './driver';
import { validateMediaOptions } from './media-options';
import type { JoinOptions } from './session-options';
import type { EngineModule } from './types';

/** See the module comment. @internal */
export interface PendingJoin {
  /** Set when the join was aborted or left while loading. */
  cancelled: AbortedError | undefined;
  /** Rejects with `cancelled`, so the join does not wait for a load that may never end. */
  readonly whenCancelled: Promise<never>;
  readonly cancel: (error: AbortedError) => void;
}

/** A new pending join; `whenCancelled` is only ever raced against the loads, never unhandled. @internal */
export function createPendingJoin(): PendingJoin {
  let cancel!: (error: AbortedError) => void;
  const whenCancelled = new Promise<never>((_, reject) => (cancel = reject));
  whenCancelled.catch(() => {});
  return { cancelled: undefined, whenCancelled, cancel };
}

const loadEngine = loadOnce(
  (): Promise<EngineModule> => import('./stage-connection'),
  (error) => new StageError('join', chunkLoadFailure("StageSession's connection module", error, 'then call join() again'), { cause: error }),
);

/**
 * Loads the driver and, for the first join, the connection engine, in parallel; rejects with the
 * cancellation when the join is aborted or left meanwhile. @internal
 */
export async function loadForJoin(
  pending: PendingJoin,
  driverLoad: StageDriver | Promise<StageDriver>,
  needEngine: boolean,
): Promise<{ driver: StageDriver; module: EngineModule | undefined }> {
  if (!needEngine) return { driver: await Promise.race([driverLoad, pending.whenCancelled]), module: undefined };
  const engineLoad = loadEngine();
  engineLoad.catch(() => {}); // Reported below, or superseded by the driver's failure.
  const [module, driver] = await Promise.race([Promise.all([engineLoad, driverLoad]), pending.whenCancelled]);
  return { driver, module };
}

/**
 * Checks `join()`'s options and token before anything starts.
 * @throws {ValidationError} bad options. {@link TokenError} malformed/expired token, or `publish`
 *   without the PUBLISH capability.
 * @internal
 */
export function checkJoinOptions(options: JoinOptions): JoinOptions & { claims: ParticipantTokenClaims } {
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'join() needs { token, publish }.');
  const { token, publish, media } = options;
  if (typeof publish !== 'boolean') throw new ValidationError('publish', 'must be true (send camera/microphone) or false (watch only).');
  validateMediaOptions(media);
  return { ...options, claims: assertTokenUsable(token) };
}
