import { DriverErrorCode, type DriverErrorCategory, type DriverStageError } from '../stage/driver';
import type { LocalStageErrorCode } from './protocol';

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
