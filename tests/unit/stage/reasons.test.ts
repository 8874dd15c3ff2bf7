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
    ['unknown', undefined, 'unknown'],
    ['unknown', DriverErrorCode.TOKEN_EXPIRED, 'token-expired'],
    ['unknown', DriverErrorCode.STAGE_DELETED, 'stage-deleted'],
    ['unknown', DriverErrorCode.PARTICIPANT_DISCONNECTED, 'kicked'],
    ['unknown', DriverErrorCode.TIMEOUT, 'unknown'],
    ['failed-exchange', undefined, 'exchange-failed'],
    ['failed-exchange', DriverErrorCode.TOKEN_EXPIRED, 'exchange-failed'],
    ['real-time-connection-forced-leave', undefined, 'connection-forced-leave'],
    ['real-time-connection-token-revocation', undefined, 'connection-token-revoked'],
    ['a-reason-from-a-newer-sdk', undefined, 'unknown'],
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
    const driverError = { ...stageError(4, 'SUBSCRIBE_ERROR', 'ice'), remoteParticipantId: 'bob' };
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

  it('sets fatal from what the session did, never from a field of the driver error', () => {
    expect((mapDriverError(stageError(4, 'JOIN_ERROR'), false) as StageError).fatal).toBe(false);
    expect((mapDriverError(stageError(4, 'JOIN_ERROR')) as StageError).fatal).toBe(true);
    expect((mapDriverError(stageError(4, 'PUBLISH_ERROR')) as StageError).participantId).toBeUndefined();
  });

  it('says a refused token exchange is one', () => {
    const error = mapDriverError(stageError(12, 'JOIN_ERROR', 'nope'), true) as StageError;
    expect(error.message).toMatch(/^The stage refused the token exchange \(TOKEN_EXCHANGE_FAILED \(12\): nope\)/);
  });

  it('names unknown codes by number', () => {
    expect(describeDriverErrorCode(99)).toBe('code 99');
    expect(describeDriverErrorCode(12)).toBe('TOKEN_EXCHANGE_FAILED (12)');
  });
});
