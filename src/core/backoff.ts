/**
 * Reconnect timing shared by ChatSession and the local stage driver's events socket: exponential
 * backoff with full jitter and a cap, and an abortable sleep. Pure functions, unit-tested without sockets.
 */
import { AbortedError } from './errors';

/** The two figures of an exponential backoff, in ms. */
export interface BackoffTiming {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before retry number `attempt` (1-based): a uniformly random value in
 * `[0, min(maxDelayMs, baseDelayMs × 2^(attempt−1)))` ("full jitter"), so that many clients dropped
 * at once do not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffTiming, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** Resolves after `ms`, or rejects with {@link AbortedError} as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError('The wait was aborted.', { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('The wait was aborted.', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
