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
 * The left reason implied by a driver error alone (`undefined` when the error does not say why the
 * stage was left).
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
 * Maps a driver `StageLeftReason` (and the last error reported before it) to a {@link LeftReason}:
 * user-initiated → user, stage-deleted → stage-deleted, participant-disconnected → kicked,
 * token-reused → token-reused; otherwise the last error decides (TOKEN_EXPIRED → token-expired), else
 * `error`.
 * @internal
 */
export function mapLeftReason(reason: DriverLeftReason | string, lastError?: DriverStageError): LeftReason {
  switch (reason) {
    case 'user-initiated':
      return 'user';
    case 'stage-deleted':
      return 'stage-deleted';
    case 'participant-disconnected':
      return 'kicked';
    case 'token-reused':
      return 'token-reused';
    default:
      return leftReasonForError(lastError) ?? 'error';
  }
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
 * else a {@link StageError} with the driver's category, code and remote participant id. The driver error
 * is kept as `cause`.
 * @internal
 */
export function mapDriverError(error: DriverStageError): IvsRealtimeError {
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
      const advice =
        error.code === DriverErrorCode.STAGE_AT_CAPACITY
          ? ' The stage is full; try again later.'
          : error.code === DriverErrorCode.CODEC_MISMATCH
            ? ' The browser lacks a codec the stage needs (H.264 video, Opus audio).'
            : '';
      return new StageError(category, `Stage ${category} error, ${detail}.${advice}`, {
        cause: error,
        ...(error.remoteParticipantId === undefined ? {} : { participantId: error.remoteParticipantId }),
        ...(error.fatal === undefined ? {} : { fatal: error.fatal }),
      });
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
