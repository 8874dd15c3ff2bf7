/**
 * A join whose driver (and engine) are still loading: `StageSession` owns it until the engine does.
 * An abort or `leave()` in that window cancels it, so the join does not wait for a load that may
 * never end. (Internal module: not part of the public API.)
 */
import type { AbortedError } from '../core/errors';

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
