import { describe, expect, it } from 'vitest';
import { StageError, TokenError } from '../../../src/core/errors';
import { DriverErrorCode } from '../../../src/stage/driver';
import { describeDriverErrorCode, mapDriverError, mapLeftReason } from '../../../src/stage/reasons';
import { stageError } from '../../fakes/fake-stage';

describe('mapLeftReason', () => {
  it.each([
    ['user-initiated', undefined, 'user'],
    ['stage-deleted', undefined, 'stage-deleted'],
    ['participant-disconnected', undefined, 'kicked'],
    ['token-reused', undefined, 'token-reused'],
    ['unknown', undefined, 'error'],
    ['unknown', DriverErrorCode.TOKEN_EXPIRED, 'token-expired'],
    ['unknown', DriverErrorCode.STAGE_DELETED, 'stage-deleted'],
    ['unknown', DriverErrorCode.PARTICIPANT_DISCONNECTED, 'kicked'],
    ['unknown', DriverErrorCode.TIMEOUT, 'error'],
    ['failed-exchange', undefined, 'error'],
    ['real-time-connection-forced-leave', undefined, 'error'],
    ['user-initiated', DriverErrorCode.TOKEN_EXPIRED, 'user'],
  ] as const)('%s after error code %s → %s', (reason, code, expected) => {
    expect(mapLeftReason(reason, code === undefined ? undefined : stageError(code))).toBe(expected);
  });
});

describe('mapDriverError', () => {
  it('turns token codes into TokenError with the matching reason', () => {
    expect((mapDriverError(stageError(1)) as TokenError).reason).toBe('malformed');
    expect((mapDriverError(stageError(2)) as TokenError).reason).toBe('expired');
    expect((mapDriverError(stageError(8)) as TokenError).reason).toBe('not-allowed');
    expect(mapDriverError(stageError(2))).toBeInstanceOf(TokenError);
  });

  it('turns other codes into StageError with category, participant, fatal flag and cause', () => {
    const driverError = { ...stageError(4, 'SUBSCRIBE_ERROR', 'ice'), remoteParticipantId: 'bob', fatal: false };
    const error = mapDriverError(driverError) as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.category).toBe('subscribe');
    expect(error.participantId).toBe('bob');
    expect(error.fatal).toBe(false);
    expect(error.cause).toBe(driverError);
    expect(error.message).toContain('FAILED (4): ice');
    expect((mapDriverError(stageError(7, 'PUBLISH_ERROR')) as StageError).category).toBe('publish');
    expect(mapDriverError(stageError(6)).message).toMatch(/stage is full/);
  });

  it('names unknown codes by number', () => {
    expect(describeDriverErrorCode(99)).toBe('code 99');
    expect(describeDriverErrorCode(12)).toBe('TOKEN_EXCHANGE_FAILED (12)');
  });
});
