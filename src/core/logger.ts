/**
 * The `logger` option, one name and one shape for every class that writes diagnostics
 * (StageSession, ChatSession, SigV4ControlPlane). Every method is optional; `console` fits.
 */
export interface Logger {
  debug?(message: string, ...args: unknown[]): void;
  info?(message: string, ...args: unknown[]): void;
  warn?(message: string, ...args: unknown[]): void;
  error?(message: string, ...args: unknown[]): void;
}

/** Reports a throwing event listener to `logger.error` (the emitter's default, `console.error`, without a logger). */
export function listenerErrorsTo(logger: Logger | undefined): ((error: unknown, event: string) => void) | undefined {
  if (!logger) return undefined;
  return (error, event) => logger.error?.(`[aws-ivs-realtime] a "${event}" listener threw:`, error);
}
