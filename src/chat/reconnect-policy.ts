/** Reconnect settings of {@link ChatSession}: defaults and checks (the part needed before connecting). */

import { ValidationError } from '../core/errors';

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

/** Merges user options over the defaults and checks them; throws {@link ValidationError} for nonsense values. */
export function resolveReconnectPolicy(options: Partial<ReconnectPolicy> | undefined): ReconnectPolicy {
  const policy = { ...DEFAULT_RECONNECT_POLICY, ...stripUndefined(options ?? {}) };
  for (const key of ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'minUptimeMs'] as const) {
    const value = policy[key];
    if (!Number.isFinite(value) || value < 0) throw new ValidationError(`reconnect.${key}`, `must be a finite number ≥ 0 (got ${String(value)}).`);
  }
  if (!Number.isInteger(policy.maxAttempts)) throw new ValidationError('reconnect.maxAttempts', `must be an integer (got ${policy.maxAttempts}).`);
  return policy;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
