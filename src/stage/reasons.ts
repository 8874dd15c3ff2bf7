/**
 * Translation of the driver's left reasons and errors into this SDK's {@link LeftReason} and error
 * classes. One place, table-tested.
 */
import { StageError, TokenError, type IvsRealtimeError, type StageErrorCategory } from '../core/errors';
import { DriverErrorCode, type DriverLeftReason, type DriverStageError } from './driver';
import type { LeftReason } from './types';

const ERROR_CODE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DriverErrorCode).map(([name, code]) => [code, name]),
);

/** `TOKEN_EXPIRED (2)`, or the bare number for codes this SDK does not know. @internal */
export function describeDriverErrorCode(code: number): string {
  const name = ERROR_CODE_NAMES[code];
  return name ? `${name} (${code})` : `code ${code}`;
}

/**
 * The left reason implied by the last connection (`JOIN_ERROR`) error the stage reported before it
 * left without a specific reason (`undefined` when the error does not say why).
 * @internal
 */
export function leftReasonForError(error: DriverStageError | undefined): LeftReason | undefined {
  switch (error?.code) {
    case DriverErrorCode.TOKEN_EXPIRED:
      return 'token-expired';
    case DriverErrorCode.STAGE_DELETED:
      return 'stage-deleted';
    case DriverErrorCode.PARTICIPANT_DISCONNECTED:
      return 'kicked';
    default:
      return undefined;
  }
}

/**
 * The {@link LeftReason} of each `StageLeftReason` of the media stack: one each, so an app can tell
 * every documented way of leaving apart. (README: "Leave reasons".)
 * @internal
 */
export const LEFT_REASONS: Readonly<Record<DriverLeftReason, LeftReason>> = {
  'user-initiated': 'user',
  'stage-deleted': 'stage-deleted',
  'participant-disconnected': 'kicked',
  'token-reused': 'token-reused',
  'failed-exchange': 'exchange-failed',
  'real-time-connection-forced-leave': 'connection-forced-leave',
  'real-time-connection-token-revocation': 'connection-token-revoked',
  unknown: 'unknown',
};

/**
 * Maps a driver `StageLeftReason` to a {@link LeftReason} ({@link LEFT_REASONS}). `unknown` is refined
 * by the last connection error the stage reported before leaving (TOKEN_EXPIRED → `token-expired`,
 * STAGE_DELETED → `stage-deleted`, PARTICIPANT_DISCONNECTED → `kicked`): the SDK has no leave reason
 * for an expired token. A reason this SDK does not know yet maps to `unknown`.
 * @internal
 */
export function mapLeftReason(reason: DriverLeftReason | string, lastError?: DriverStageError): LeftReason {
  const mapped = Object.hasOwn(LEFT_REASONS, reason) ? LEFT_REASONS[reason as DriverLeftReason] : 'unknown';
  return mapped === 'unknown' ? (leftReasonForError(lastError) ?? 'unknown') : mapped;
}

/** `JOIN_ERROR` codes after which the media stack has given up on the connection (it retries network failures first). @internal */
export function isGiveUpError(error: DriverStageError): boolean {
  return error.category === 'JOIN_ERROR' && (error.code === DriverErrorCode.TIMEOUT || error.code === DriverErrorCode.FAILED);
}

/** Codes of a refused `exchangeToken()`. @internal */
export function isExchangeError(error: DriverStageError): boolean {
  return error.code === DriverErrorCode.TOKEN_EXCHANGE_REQUEST_INVALID || error.code === DriverErrorCode.TOKEN_EXCHANGE_FAILED;
}

function categoryOf(error: DriverStageError): StageErrorCategory {
  switch (error.category) {
    case 'PUBLISH_ERROR':
      return 'publish';
    case 'SUBSCRIBE_ERROR':
      return 'subscribe';
    default:
      return 'join';
  }
}

/**
 * Maps a driver `StageError` to this SDK's error: token problems become {@link TokenError}, everything
 * else a {@link StageError} with the driver's category and code; `fatal` says whether the session
 * ended because of it. The driver error is kept as `cause`.
 * @internal
 */
export function mapDriverError(error: DriverStageError, fatal = error.category === 'JOIN_ERROR'): IvsRealtimeError {
  const detail = `${describeDriverErrorCode(error.code)}: ${error.message}`;
  switch (error.code) {
    case DriverErrorCode.TOKEN_MALFORMED:
      return TokenError.malformed(`the stage rejected it, ${detail}`, error);
    case DriverErrorCode.TOKEN_EXPIRED:
      return new TokenError('expired', `The participant token expired (${detail}). Mint a new token and join again.`, { cause: error });
    case DriverErrorCode.TOKEN_NOT_ALLOWED:
      return new TokenError(
        'not-allowed',
        `The participant token does not allow this operation (${detail}). Mint a token with the needed capability.`,
        { cause: error },
      );
    default: {
      const category = categoryOf(error);
      const options = {
        cause: error,
        fatal,
        ...(error.remoteParticipantId === undefined ? {} : { participantId: error.remoteParticipantId }),
      };
      if (isExchangeError(error)) {
        return new StageError(
          category,
          `The stage refused the token exchange (${detail}). Exchange a token minted for the same participant and stage${fatal ? ', or join again' : ''}.`,
          options,
        );
      }
      const advice =
        error.code === DriverErrorCode.STAGE_AT_CAPACITY
          ? ' The stage is full; try again later.'
          : error.code === DriverErrorCode.CODEC_MISMATCH
            ? ' The browser lacks a codec the stage needs (H.264 video, Opus audio).'
            : isGiveUpError(error)
              ? ' The connection could not be established or recovered (the media stack retries network failures first): check connectivity and join again.'
              : '';
      return new StageError(category, `Stage ${category} error, ${detail}.${advice}`, options);
    }
  }
}

/** Whether a value looks like a driver `StageError` (has a numeric `code` and a `category`). @internal */
export function isDriverStageError(value: unknown): value is DriverStageError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'number' &&
    typeof (value as { category?: unknown }).category === 'string'
  );
}
