/**
 * Reconnect timing for {@link ChatSession}: exponential backoff with full jitter and a cap, and an
 * abortable sleep. Pure functions, unit-tested without sockets.
 */
import { AbortedError } from '../core/errors';

/** How ChatSession retries after a connection attempt fails or an open connection is lost. */
export interface ReconnectPolicy {
  /** Failed attempts in a row before the session stops with `attempts-exhausted`. Default 8. */
  maxAttempts: number;
  /** Base of the exponential backoff, in ms. Default 500. */
  baseDelayMs: number;
  /** Upper bound of any single wait, in ms. Default 15 000. */
  maxDelayMs: number;
  /** A connection that stayed up at least this long resets the attempt counter. Default 5 000 ms. */
  minUptimeMs: number;
}

export const DEFAULT_RECONNECT_POLICY: Readonly<ReconnectPolicy> = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  minUptimeMs: 5_000,
});

/**
 * The wait before retry number `attempt` (1-based): a uniformly random value in
 * `[0, min(maxDelayMs, baseDelayMs × 2^(attempt−1)))` ("full jitter"), so that many clients dropped
 * at once do not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, policy: Pick<ReconnectPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** Merges user options over the defaults and checks them; throws `RangeError` for nonsense values. */
export function resolveReconnectPolicy(options: Partial<ReconnectPolicy> | undefined): ReconnectPolicy {
  const policy = { ...DEFAULT_RECONNECT_POLICY, ...stripUndefined(options ?? {}) };
  for (const key of ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'minUptimeMs'] as const) {
    const value = policy[key];
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`reconnect.${key} must be a finite number ≥ 0 (got ${String(value)}).`);
  }
  if (!Number.isInteger(policy.maxAttempts)) throw new RangeError(`reconnect.maxAttempts must be an integer (got ${policy.maxAttempts}).`);
  return policy;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
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
