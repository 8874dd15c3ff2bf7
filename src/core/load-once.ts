/**
 * One-time loads of the package's on-demand parts (its own chunks and the peer SDKs).
 * (Internal module: not part of the public API.)
 */
import { messageOf } from './errors';

/**
 * Memoizes a load (a dynamic `import()`): every call returns the same promise, except after a
 * failure, when the next call tries again (a chunk that could not be downloaded once may load
 * later). `onError` turns the failure into the SDK's typed error; it receives the arguments of the
 * call that started the load.
 */
export function loadOnce<T, A extends unknown[] = []>(load: () => Promise<T>, onError: (error: unknown, ...args: A) => Error): (...args: A) => Promise<T> {
  let pending: Promise<T> | undefined;
  return (...args) =>
    (pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw onError(error, ...args);
    }));
}

/** The message of a chunk of this package that could not be loaded; `retry` says how to try again. */
export function chunkLoadFailure(part: string, error: unknown, retry: string): string {
  return `Could not load ${part} (a chunk of aws-ivs-realtime): ${messageOf(error)}. Check that your bundler emits and serves the package's chunks; ${retry}.`;
}
