/**
 * ivs-local's Node-side errors: one base class, {@link IvsLocalError}, with a stable `code`. Every
 * error ivs-local defines extends it, so `error instanceof IvsLocalError` (or a check of `code`)
 * recognises them all.
 */

/** Stable codes of ivs-local's errors. */
export type IvsLocalErrorCode =
  | 'invalid-option'
  | 'data-file'
  | 'aws-error'
  | 'request-aborted'
  | 'participant-token-rejected'
  | 'token-verification'
  | 'chat-frame';

/** The base class of ivs-local's errors. */
export class IvsLocalError extends Error {
  override name = 'IvsLocalError';
  /** What kind of failure this is; stable across versions. */
  readonly code: IvsLocalErrorCode;

  constructor(code: IvsLocalErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An option of `startLocalIvs` (or a CLI flag) is invalid; the message names it and what is accepted. */
export class IvsLocalOptionError extends IvsLocalError {
  override name = 'IvsLocalOptionError';
  /** The option's name in `startLocalIvs` (e.g. `region`). */
  readonly option: string;

  constructor(option: string, message: string) {
    super('invalid-option', message);
    this.option = option;
  }
}
