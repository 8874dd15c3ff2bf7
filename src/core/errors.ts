/**
 * Every error this SDK throws or emits is an {@link IvsRealtimeError}: a literal `name`, a stable
 * machine-readable `code`, a message that says what was wrong and what to do, and the original
 * `cause` when one exists. Codes are unique across the SDK and never reused.
 */

/** Stable, unique error codes. */
export type IvsErrorCode =
  | 'VALIDATION'
  | 'INVALID_STATE'
  | 'ABORTED'
  | 'TIMEOUT'
  | 'TOKEN_MALFORMED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_ALLOWED'
  | 'STAGE_JOIN_FAILED'
  | 'STAGE_PUBLISH_FAILED'
  | 'STAGE_SUBSCRIBE_FAILED'
  | 'STAGE_UNSUPPORTED'
  | 'LOAD_FAILED'
  | 'MEDIA_DEVICE'
  | 'CONTROL_PLANE'
  | 'CHAT';

export interface IvsRealtimeErrorOptions {
  cause?: unknown;
}

/** The message of anything thrown: an Error's `message`, else the value as a string. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The brand every SDK error carries, registered globally (`Symbol.for`) so that it is the same
 * symbol in every copy of the package: see {@link isIvsRealtimeError}.
 */
const ERROR_BRAND = Symbol.for('aws-ivs-realtime.error');

/**
 * Base class of every SDK error. `instanceof IvsRealtimeError` catches them all; to tell them apart,
 * check `error.code` (stable across versions) or use {@link isIvsRealtimeError} with a code, which
 * also recognises errors of another copy of the package (e.g. one bundled separately).
 */
export class IvsRealtimeError extends Error {
  override name = 'IvsRealtimeError';
  readonly code: IvsErrorCode;

  constructor(code: IvsErrorCode, message: string, options: IvsRealtimeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    Object.defineProperty(this, ERROR_BRAND, { value: true });
  }
}

/**
 * A part of this package loaded on first use (the grid's renderer, the chat or control-plane
 * engine) or an optional peer SDK could not be loaded: the bundler does not serve the package's
 * chunks, the network failed, or the peer dependency is not installed. Nothing was sent; calling
 * again tries the load again.
 */
export class LoadError extends IvsRealtimeError {
  override name = 'LoadError' as const;
  /** What could not be loaded, e.g. `StageGrid's renderer` or `amazon-ivs-chat-messaging`. */
  readonly part: string;

  constructor(part: string, message: string, options?: IvsRealtimeErrorOptions) {
    super('LOAD_FAILED', message, options);
    this.part = part;
  }
}

/** An argument was missing or out of range. Thrown before any network call; nothing was sent. */
export class ValidationError extends IvsRealtimeError {
  override name = 'ValidationError' as const;
  /** The offending field, as a path (`capabilities[0]`, `tags.env`). */
  readonly field: string;

  constructor(field: string, message: string, options?: IvsRealtimeErrorOptions) {
    super('VALIDATION', `${field}: ${message}`, options);
    this.field = field;
  }
}

/** A method was called in a state that does not allow it (e.g. `join()` while connecting). */
export class InvalidStateError extends IvsRealtimeError {
  override name = 'InvalidStateError' as const;
  readonly state: string;

  constructor(state: string, message: string) {
    super('INVALID_STATE', message);
    this.state = state;
  }
}

/** An operation was cancelled through its `AbortSignal`. */
export class AbortedError extends IvsRealtimeError {
  override name = 'AbortedError' as const;

  constructor(message = 'The operation was aborted.', options?: IvsRealtimeErrorOptions) {
    super('ABORTED', message, options);
  }
}

/** An operation did not finish within its time limit. */
export class TimeoutError extends IvsRealtimeError {
  override name = 'TimeoutError' as const;
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super('TIMEOUT', `${what} did not complete within ${timeoutMs} ms.`);
    this.timeoutMs = timeoutMs;
  }
}

/** Why a participant token was refused. */
export type TokenErrorReason = 'malformed' | 'expired' | 'not-allowed';

/** A participant token could not be used: malformed, expired, or lacking a capability. */
export class TokenError extends IvsRealtimeError {
  override name = 'TokenError' as const;
  readonly reason: TokenErrorReason;

  constructor(reason: TokenErrorReason, message: string, options?: IvsRealtimeErrorOptions) {
    super(
      reason === 'malformed' ? 'TOKEN_MALFORMED' : reason === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_NOT_ALLOWED',
      message,
      options,
    );
    this.reason = reason;
  }

  static malformed(detail: string, cause?: unknown): TokenError {
    return new TokenError(
      'malformed',
      `The participant token is malformed (${detail}). Pass the \`token\` string returned by CreateParticipantToken.`,
      { cause },
    );
  }

  static expired(expiredAt: Date): TokenError {
    return new TokenError(
      'expired',
      `The participant token expired at ${expiredAt.toISOString()}. Mint a new token and join again.`,
    );
  }

  static notAllowed(capability: 'PUBLISH' | 'SUBSCRIBE'): TokenError {
    return new TokenError(
      'not-allowed',
      `The participant token does not grant ${capability}. Mint a token with the ${capability} capability.`,
    );
  }
}

/** Which part of the stage connection failed. */
export type StageErrorCategory = 'join' | 'publish' | 'subscribe';

/** A stage connection, publish or subscribe failed. */
export class StageError extends IvsRealtimeError {
  override name = 'StageError' as const;
  readonly category: StageErrorCategory;
  /** Remote participant concerned, for subscribe errors. */
  readonly participantId: string | undefined;
  /** Whether the session can keep going (false: the stage was left). */
  readonly fatal: boolean;

  constructor(
    category: StageErrorCategory,
    message: string,
    options: IvsRealtimeErrorOptions & { participantId?: string; fatal?: boolean } = {},
  ) {
    super(
      category === 'join' ? 'STAGE_JOIN_FAILED' : category === 'publish' ? 'STAGE_PUBLISH_FAILED' : 'STAGE_SUBSCRIBE_FAILED',
      message,
      options,
    );
    this.category = category;
    this.participantId = options.participantId;
    this.fatal = options.fatal ?? category === 'join';
  }
}

/** The browser cannot run a stage (no WebRTC, insecure context, server-side rendering). */
export class StageUnsupportedError extends IvsRealtimeError {
  override name = 'StageUnsupportedError' as const;

  constructor(message: string) {
    super('STAGE_UNSUPPORTED', message);
  }
}

/** Why a camera/microphone request failed. */
export type MediaDeviceFailure =
  | 'permission-denied'
  | 'not-found'
  | 'in-use'
  | 'overconstrained'
  | 'insecure-context'
  | 'unsupported'
  | 'aborted'
  | 'unknown';

/** getUserMedia/getDisplayMedia failed; `reason` normalizes the browser's DOMException names. */
export class MediaDeviceError extends IvsRealtimeError {
  override name = 'MediaDeviceError' as const;
  readonly reason: MediaDeviceFailure;
  /** For `overconstrained`: the constraint that could not be satisfied. */
  readonly constraint: string | undefined;

  constructor(reason: MediaDeviceFailure, message: string, options: IvsRealtimeErrorOptions & { constraint?: string } = {}) {
    super('MEDIA_DEVICE', message, options);
    this.reason = reason;
    this.constraint = options.constraint;
  }

  /** Maps any value thrown by getUserMedia to a MediaDeviceError (the one place DOMExceptions are read). */
  static from(error: unknown): MediaDeviceError {
    if (error instanceof MediaDeviceError) return error;
    const name = typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
    const constraint =
      typeof error === 'object' && error !== null && 'constraint' in error
        ? String((error as { constraint: unknown }).constraint)
        : undefined;
    switch (name) {
      case 'NotAllowedError':
      case 'PermissionDeniedError':
      case 'SecurityError':
        return new MediaDeviceError(
          'permission-denied',
          'Camera/microphone permission was denied. Ask the user to allow access in the browser\'s site settings, then try again.',
          { cause: error },
        );
      case 'NotFoundError':
      case 'DevicesNotFoundError':
        return new MediaDeviceError('not-found', 'No camera or microphone matching the request was found. Connect a device or pick another one.', { cause: error });
      case 'NotReadableError':
      case 'TrackStartError':
        return new MediaDeviceError('in-use', 'The camera or microphone could not be started; another application may be using it.', { cause: error });
      case 'OverconstrainedError':
      case 'ConstraintNotSatisfiedError':
        return new MediaDeviceError(
          'overconstrained',
          `No device satisfies the constraint ${constraint ?? '(unknown)'}. Relax the constraint or choose another device.`,
          { cause: error, ...(constraint === undefined ? {} : { constraint }) },
        );
      case 'AbortError':
        return new MediaDeviceError('aborted', 'The media request was aborted.', { cause: error });
      case 'TypeError':
        return new MediaDeviceError('unsupported', 'The media request was invalid or media devices are unavailable in this context.', { cause: error });
      default:
        return new MediaDeviceError('unknown', `The media request failed: ${messageOf(error)}`, { cause: error });
    }
  }
}

/** A control-plane call failed. Carries the AWS (or backend) error name, HTTP status and request id. */
export class ControlPlaneError extends IvsRealtimeError {
  override name = 'ControlPlaneError' as const;
  /** The operation that failed, e.g. `createStage`. */
  readonly operation: string;
  /** The service error name, e.g. `ResourceNotFoundException`, `AccessDeniedException`, or `NetworkError`. */
  readonly errorName: string;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** Request id reported by the service, for support cases. */
  readonly requestId: string | undefined;
  /** Whether retrying the same call later may succeed (throttling, 5xx, network). */
  readonly retryable: boolean;

  /** How long the service asked the caller to wait before retrying (its `Retry-After`), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: ControlPlaneErrorInit) {
    super('CONTROL_PLANE', `${init.operation} failed: ${init.errorName}: ${init.message}`, { cause: init.cause });
    this.operation = init.operation;
    this.errorName = init.errorName;
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryable = init.retryable ?? (init.status === undefined || init.status === 429 || init.status >= 500);
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** What a {@link ControlPlaneError} is made of (its constructor's argument). */
export interface ControlPlaneErrorInit {
  operation: string;
  errorName: string;
  message: string;
  status?: number | undefined;
  requestId?: string | undefined;
  retryable?: boolean;
  /** The service's `Retry-After`, in seconds, when it sent one. */
  retryAfterSeconds?: number | undefined;
  cause?: unknown;
}

/** Why a chat operation failed. */
export type ChatErrorReason =
  | 'forbidden'
  | 'not-found'
  | 'too-large'
  | 'rate-limited'
  | 'bad-request'
  | 'unauthorized'
  | 'server-error'
  | 'timeout'
  | 'not-connected'
  | 'queue-full'
  | 'disposed';

/** A chat request was refused by the server, timed out, or could not be sent. */
export class ChatError extends IvsRealtimeError {
  override name = 'ChatError' as const;
  readonly reason: ChatErrorReason;
  /** The server's numeric `ErrorCode` (403, 404, 413, 429, …) when it answered. */
  readonly errorCode: number | undefined;
  /** The `RequestId` of the failed request. */
  readonly requestId: string | undefined;

  constructor(
    reason: ChatErrorReason,
    message: string,
    options: IvsRealtimeErrorOptions & { errorCode?: number; requestId?: string } = {},
  ) {
    super('CHAT', message, options);
    this.reason = reason;
    this.errorCode = options.errorCode;
    this.requestId = options.requestId;
  }

  /** Maps a chat server `ErrorCode` to a reason. */
  static reasonForCode(code: number): ChatErrorReason {
    switch (code) {
      case 400:
        return 'bad-request';
      case 401:
        return 'unauthorized';
      case 403:
        return 'forbidden';
      case 404:
        return 'not-found';
      case 413:
        return 'too-large';
      case 429:
        return 'rate-limited';
      default:
        return 'server-error';
    }
  }
}

/** The error class behind each {@link IvsErrorCode}, for {@link isIvsRealtimeError}. */
export interface IvsRealtimeErrorByCode {
  VALIDATION: ValidationError;
  INVALID_STATE: InvalidStateError;
  ABORTED: AbortedError;
  TIMEOUT: TimeoutError;
  TOKEN_MALFORMED: TokenError;
  TOKEN_EXPIRED: TokenError;
  TOKEN_NOT_ALLOWED: TokenError;
  STAGE_JOIN_FAILED: StageError;
  STAGE_PUBLISH_FAILED: StageError;
  STAGE_SUBSCRIBE_FAILED: StageError;
  STAGE_UNSUPPORTED: StageUnsupportedError;
  LOAD_FAILED: LoadError;
  MEDIA_DEVICE: MediaDeviceError;
  CONTROL_PLANE: ControlPlaneError;
  CHAT: ChatError;
}

/**
 * An error of a failed join, as a StageSession reports it (this SDK's errors pass through). Here, not
 * with the engine's error mapping, because `join()` needs it before the engine has loaded. @internal
 */
export function asJoinError(error: unknown): IvsRealtimeError {
  if (error instanceof IvsRealtimeError) return error;
  return new StageError('join', `Joining the stage failed: ${messageOf(error)}`, { cause: error });
}

/**
 * Whether `value` is an error of this SDK, optionally with the given `code` — also when it was
 * created by another copy of the package (a server bundle and a package from node_modules, two
 * installed versions), where `instanceof` fails because each copy has its own classes. It checks
 * the brand every SDK error carries (`Symbol.for('aws-ivs-realtime.error')`) and the `code`.
 *
 * @example
 * ```ts
 * if (isIvsRealtimeError(error, 'CONTROL_PLANE') && error.errorName === 'ResourceNotFoundException') …
 * ```
 */
export function isIvsRealtimeError<C extends IvsErrorCode>(value: unknown, code: C): value is IvsRealtimeErrorByCode[C];
export function isIvsRealtimeError(value: unknown): value is IvsRealtimeError;
export function isIvsRealtimeError(value: unknown, code?: IvsErrorCode): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (!(value instanceof IvsRealtimeError) && (value as Record<symbol, unknown>)[ERROR_BRAND] !== true) return false;
  return code === undefined || (value as { code?: unknown }).code === code;
}
