import type { ParticipantTokenClaims } from '../core/token';
import { DriverErrorCode, type DriverErrorCategory, type DriverLeftReason, type DriverStageError } from '../stage/driver';
import type { LocalLeftReason, LocalStageErrorCode } from './protocol';

/** An error of the local stage driver, shaped like the IVS SDK's `StageError`. */
export class LocalStageError extends Error implements DriverStageError {
  override name = 'StageError';
  readonly code: number;
  readonly category: DriverErrorCategory;
  readonly remoteParticipantId: string | undefined;
  readonly fatal: boolean;
  /** The ivs-local protocol code behind this error, when the server sent one. */
  readonly localCode: LocalStageErrorCode | undefined;

  constructor(
    category: DriverErrorCategory,
    code: number,
    message: string,
    options: { fatal?: boolean; remoteParticipantId?: string; localCode?: LocalStageErrorCode; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.category = category;
    this.code = code;
    this.fatal = options.fatal ?? category === 'JOIN_ERROR';
    this.remoteParticipantId = options.remoteParticipantId;
    this.localCode = options.localCode;
  }
}

/** The IVS error code matching an ivs-local protocol error code. */
export function driverCodeFor(code: LocalStageErrorCode | undefined): number {
  switch (code) {
    case 'token-malformed':
    case 'token-forged':
    case 'token-wrong-stage':
    case 'participant-mismatch':
      return DriverErrorCode.TOKEN_MALFORMED;
    case 'token-expired':
      return DriverErrorCode.TOKEN_EXPIRED;
    case 'capability-missing':
      return DriverErrorCode.TOKEN_NOT_ALLOWED;
    case 'stage-not-found':
      return DriverErrorCode.STAGE_DELETED;
    case 'participant-disconnected':
      return DriverErrorCode.PARTICIPANT_DISCONNECTED;
    case 'stage-at-capacity':
      return DriverErrorCode.STAGE_AT_CAPACITY;
    case 'codec-mismatch':
      return DriverErrorCode.CODEC_MISMATCH;
    default:
      return DriverErrorCode.FAILED;
  }
}

/** Why a join cannot start with this token (checked before any connection), or `undefined`. */
export function joinRefusal(claims: ParticipantTokenClaims): LocalStageError | undefined {
  if (claims.expiresAt.getTime() <= Date.now()) {
    return new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXPIRED, `The participant token expired at ${claims.expiresAt.toISOString()}.`);
  }
  if (!claims.eventsUrl && !(claims.whipUrl && claims.stageId)) {
    return new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_MALFORMED, 'The participant token has no events_url or whip_url claim: it was not minted by ivs-local.');
  }
  return undefined;
}

/**
 * How the stage ends when the server sends `left`: the driver's left reason, and the error to
 * report first (`fail`: the error also ends a pending join).
 */
export function serverLeftOutcome(reason: LocalLeftReason, message: string | undefined): { left: DriverLeftReason; error?: LocalStageError; fail?: boolean } {
  const detail = message ? `: ${message}` : '.';
  switch (reason) {
    case 'stage-deleted':
      return { left: 'stage-deleted' };
    case 'participant-disconnected':
      return { left: 'participant-disconnected', error: new LocalStageError('JOIN_ERROR', DriverErrorCode.PARTICIPANT_DISCONNECTED, `The participant was disconnected${detail}`) };
    case 'token-reused':
      return { left: 'token-reused' };
    case 'user':
      return { left: 'user-initiated' };
    case 'token-expired':
      return { left: 'unknown', fail: true, error: new LocalStageError('JOIN_ERROR', DriverErrorCode.TOKEN_EXPIRED, 'The participant token expired; mint a new token and join again.') };
    default:
      return { left: 'unknown', fail: true, error: new LocalStageError('JOIN_ERROR', DriverErrorCode.FAILED, `The local stage server ended the session${detail}`) };
  }
}
