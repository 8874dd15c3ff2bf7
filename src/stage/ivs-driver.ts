/**
 * The Amazon IVS stage driver loader. `amazon-ivs-web-broadcast` and the adapter that hands its
 * `Stage` and `LocalStageStream` to StageSession (`ivs-adapter.ts`) are loaded in parallel with a
 * dynamic `import()` on the first join of an IVS stage (this is the only module that imports the SDK,
 * and the adapter's `ivsSdkOf()` the one place its module shape is normalised), so apps that never
 * join one download neither.
 */
import { StageError, messageOf } from '../core/errors';
import { loadOnce } from '../core/load-once';
import type { StageDriver } from './driver';

/**
 * Loads `amazon-ivs-web-broadcast` (once) and returns the IVS driver. `defaultStageFactory` uses
 * it for every token not minted by ivs-local; `stageFactory: () => loadIvsDriver()` uses Amazon IVS
 * whatever the token's endpoints.
 * @throws {StageError} (`join`) when the package is not installed or fails to load.
 */
export const loadIvsDriver: () => Promise<StageDriver> = loadOnce(
  // The module's shape depends on the bundler (the package is UMD/CommonJS): ivsSdkOf() takes the
  // named exports or the default export, whichever has the classes.
  () => Promise.all([import('amazon-ivs-web-broadcast'), import('./ivs-adapter')]).then(([sdk, adapter]) => adapter.createIvsDriver(adapter.ivsSdkOf(sdk))),
  (cause) =>
    new StageError(
      'join',
      `Could not load amazon-ivs-web-broadcast, which joining an Amazon IVS stage needs (${messageOf(cause)}). ` +
        "Install it (npm install amazon-ivs-web-broadcast) and check that your bundler serves this package's chunks.",
      { cause },
    ),
);
