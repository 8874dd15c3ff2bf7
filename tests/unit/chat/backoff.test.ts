import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, sleep } from '../../../src/core/backoff';
import { DEFAULT_RECONNECT_POLICY, resolveReconnectPolicy } from '../../../src/chat/reconnect-policy';
import { AbortedError, ValidationError } from '../../../src/core/errors';

describe('backoffDelay (full jitter)', () => {
  const policy = { baseDelayMs: 500, maxDelayMs: 15_000 };

  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [5, 8000],
    [6, 15_000],
    [40, 15_000],
  ])('attempt %i waits below %i ms (exponential, capped)', (attempt, ceiling) => {
    expect(backoffDelay(attempt, policy, () => 0.999999)).toBe(Math.floor(0.999999 * ceiling));
    expect(backoffDelay(attempt, policy, () => 0)).toBe(0);
  });

  it('is always within [0, min(cap, base·2^(attempt−1))]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, base, cap, r) => {
          const delay = backoffDelay(attempt, { baseDelayMs: base, maxDelayMs: cap }, () => r);
          const ceiling = Math.min(cap, base * 2 ** Math.min(attempt - 1, 30));
          return Number.isInteger(delay) && delay >= 0 && delay <= ceiling;
        },
      ),
    );
  });

  it('spreads clients dropped together over the whole window', () => {
    const samples = Array.from({ length: 2000 }, () => backoffDelay(4, policy));
    const lowHalf = samples.filter((d) => d < 2000).length;
    expect(lowHalf).toBeGreaterThan(800);
    expect(lowHalf).toBeLessThan(1200);
    expect(Math.max(...samples)).toBeLessThan(4000);
  });

  it('clamps a misbehaving random source into the window', () => {
    expect(backoffDelay(1, policy, () => 7)).toBe(500);
    expect(backoffDelay(1, policy, () => -3)).toBe(0);
  });
});

describe('resolveReconnectPolicy', () => {
  it('fills defaults and keeps given values', () => {
    expect(resolveReconnectPolicy(undefined)).toEqual(DEFAULT_RECONNECT_POLICY);
    expect(resolveReconnectPolicy({ maxAttempts: 2, maxDelayMs: undefined })).toEqual({ ...DEFAULT_RECONNECT_POLICY, maxAttempts: 2 });
  });

  it.each([
    [{ maxAttempts: -1 }, /maxAttempts/],
    [{ maxAttempts: 1.5 }, /integer/],
    [{ baseDelayMs: Number.NaN }, /baseDelayMs/],
    [{ maxDelayMs: Infinity }, /maxDelayMs/],
  ])('rejects %o with a ValidationError naming the field', (input, message) => {
    expect(() => resolveReconnectPolicy(input)).toThrow(ValidationError);
    expect(() => resolveReconnectPolicy(input)).toThrow(message);
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects with AbortedError as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const waiting = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(sleep(10_000, AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });
});
