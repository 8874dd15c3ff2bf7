/**
 * The Amazon IVS stage driver loader. `amazon-ivs-web-broadcast` and the adapter that hands its
 * `Stage` and `LocalStageStream` to StageSession (`ivs-adapter.ts`) are loaded in parallel with a
 * dynamic `import()` on the first join of an IVS stage (this is the only module that imports the SDK),
 * so apps that never join one download neither.
 */
import { StageError, messageOf } from '../core/errors';
import { loadOnce } from '../core/load-once';
import type { StageDriver } from './driver';

/**
 * Loads `amazon-ivs-web-broadcast` (once) and returns the IVS driver.
 * @throws {StageError} (`join`) when the package is not installed or fails to load.
 */
export const loadIvsDriver: () => Promise<StageDriver> = loadOnce(
  () =>
    Promise.all([import('amazon-ivs-web-broadcast'), import('./ivs-adapter')]).then(([sdk, adapter]) =>
      adapter.createIvsDriver(namedExportsOf(sdk)),
    ),
  (cause) =>
    new StageError(
      'join',
      `Could not load amazon-ivs-web-broadcast, which joining an Amazon IVS stage needs (${messageOf(cause)}). Install it (npm install amazon-ivs-web-broadcast) and check that your bundler serves this package's chunks.`,
      { cause },
    ),
);

/**
 * The SDK's module with its classes as named keys, whatever shape the bundler produced:
 * `amazon-ivs-web-broadcast` ships one CommonJS/UMD file, and some bundlers (esbuild) give
 * `await import()` of it as `{ default: { Stage, LocalStageStream, … } }` with no named keys.
 */
function namedExportsOf<T extends object>(module: T): T {
  const named = module as { Stage?: unknown; default?: unknown };
  if (typeof named.Stage === 'function') return module;
  const inner = named.default as { Stage?: unknown } | undefined;
  return inner !== null && typeof inner === 'object' && typeof inner.Stage === 'function' ? (inner as T) : module;
}
