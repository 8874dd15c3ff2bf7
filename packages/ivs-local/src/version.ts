/** The ivs-local package's version (kept equal to its package.json by a unit test). */
export const IVS_LOCAL_VERSION = '0.1.0';

/** The health endpoint: `GET` answers 200 `{ "status": "ok", "version": … }`. */
export const HEALTH_PATH = '/_ivs-local/health';
