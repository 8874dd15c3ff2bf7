/**
 * The Amazon IVS stage driver loader. `amazon-ivs-web-broadcast` and the adapter that hands its
 * `Stage` and `LocalStageStream` to StageSession (`ivs-adapter.ts`) are loaded in parallel with a
 * dynamic `import()` on the first join of an IVS stage (this is the only module that imports the SDK,
 * and the adapter's `ivsSdkOf()` the one place its module shape is normalised), so apps that never
 * join one download neither.
 */
import { StageError, ValidationError, messageOf } from '../core/errors';
import { loadOnce } from '../core/load-once';
import type { StageDriver, StageFactory } from './driver';

const loadFailure = (cause: unknown) =>
  new StageError(
    'join',
    `Could not load amazon-ivs-web-broadcast, which joining an Amazon IVS stage needs (${messageOf(cause)}). ` +
      "Install it (npm install amazon-ivs-web-broadcast) and check that your bundler serves this package's chunks.",
    { cause },
  );

/** The SDK and the adapter, loaded once. */
const loadSdk = loadOnce(
  // The module's shape depends on the bundler (the package is UMD/CommonJS): ivsSdkOf() takes the
  // named exports or the default export, whichever has the classes.
  () => Promise.all([import('amazon-ivs-web-broadcast'), import('./ivs-adapter')]).then(([sdk, adapter]) => ({ sdk: adapter.ivsSdkOf(sdk), adapter })),
  loadFailure,
);

/**
 * Loads `amazon-ivs-web-broadcast` (once) and returns the IVS driver. `defaultStageFactory` uses
 * it for every token not minted by ivs-local; `stageFactory: () => loadIvsDriver()` uses Amazon IVS
 * whatever the token's endpoints.
 * @throws {StageError} (`join`) when the package is not installed or fails to load.
 */
export const loadIvsDriver: () => Promise<StageDriver> = loadOnce(
  () => loadSdk().then(({ sdk, adapter }) => adapter.createIvsDriver(sdk)),
  (cause) => (cause instanceof StageError ? cause : loadFailure(cause)),
);

/** Options of {@link ivsStageFactory}. */
export interface IvsStageFactoryOptions {
  /**
   * An `amazon-ivs-web-broadcast` `RealTimeConnection` (created by the app with a connection token):
   * every stage of the sessions using this factory talks over it instead of opening its own socket.
   * It must outlive those sessions; `disconnect()` it yourself when they are done.
   */
  connection: object;
}

/**
 * A `stageFactory` for Amazon IVS whose stages share one `RealTimeConnection` (one socket for several
 * stages, or a transport opened ahead of the join to cut time to video).
 *
 * @example
 * ```ts
 * import { RealTimeConnection } from 'amazon-ivs-web-broadcast';
 * const connection = new RealTimeConnection(connectionToken);
 * const factory = ivsStageFactory({ connection });
 * const a = new StageSession({ stageFactory: factory });
 * const b = new StageSession({ stageFactory: factory });
 * ```
 * @throws {ValidationError} at once when `connection` is not an object; the join rejects with a
 *   `ValidationError` when it is not a `RealTimeConnection` of the loaded SDK.
 */
export function ivsStageFactory(options: IvsStageFactoryOptions): StageFactory {
  const connection: unknown = options?.connection;
  if (typeof connection !== 'object' || connection === null) {
    throw new ValidationError('connection', "must be a RealTimeConnection of amazon-ivs-web-broadcast (new RealTimeConnection(connectionToken)).");
  }
  return () => loadSdk().then(({ sdk, adapter }) => adapter.createIvsDriver(sdk, { connection }));
}
