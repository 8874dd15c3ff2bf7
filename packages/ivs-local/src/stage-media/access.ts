/**
 * Who may do what on a stage: token verification through the hub, mapped to the protocol's error
 * codes, and the participant limits IVS checks at join (the same for minted and self-signed tokens).
 */
import { IVS_LIMITS as LIMITS, codePointLength } from 'aws-ivs-realtime/protocol';
import { ParticipantTokenRejectedError, type LocalHub, type ParticipantGrant } from '../hub';
import type { LocalStageErrorCode } from 'aws-ivs-realtime/protocol';
import { StageHttpError } from './http';

/** A refused token: the protocol error code, the HTTP status and a message for people. */
export interface TokenRefusal {
  status: number;
  code: LocalStageErrorCode;
  message: string;
}

/** Maps a hub token rejection to a protocol error code and HTTP status. */
export function tokenRejection(error: unknown): TokenRefusal {
  if (error instanceof ParticipantTokenRejectedError) {
    switch (error.reason) {
      case 'malformed':
        return { status: 401, code: 'token-malformed', message: `The participant token is malformed: ${error.message}` };
      case 'forged':
        return { status: 401, code: 'token-forged', message: `The participant token's signature was not accepted: ${error.message}` };
      case 'expired':
        return { status: 401, code: 'token-expired', message: `The participant token has expired: ${error.message}` };
      case 'stage-not-found':
        return { status: 404, code: 'stage-not-found', message: `The token's stage does not exist (deleted?): ${error.message}` };
    }
  }
  return { status: 500, code: 'internal', message: 'The participant token could not be verified.' };
}

/**
 * The participant limits of CreateParticipantToken (userId ≤ 128 characters, attributes ≤ 1 KB
 * of UTF-8 keys plus values), checked at join for every token: a self-signed token is held to
 * the same limits as a minted one.
 */
export function grantLimitViolation(grant: ParticipantGrant): TokenRefusal | undefined {
  const userIdLength = codePointLength(grant.userId);
  if (userIdLength > LIMITS.participantUserIdMaxLength) {
    return {
      status: 401,
      code: 'token-malformed',
      message: `The participant token's user_id has ${userIdLength} characters; IVS allows at most ${LIMITS.participantUserIdMaxLength}.`,
    };
  }
  let bytes = 0;
  for (const [key, value] of Object.entries(grant.attributes)) bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  if (bytes > LIMITS.attributesMaxBytes) {
    return {
      status: 401,
      code: 'token-malformed',
      message: `The participant token's attributes take ${bytes} bytes (UTF-8 keys plus values); IVS allows at most ${LIMITS.attributesMaxBytes}. Keep large data out of tokens.`,
    };
  }
  return undefined;
}

/** Verifies a token for a stage operation; resolves to the grant or to why it is refused. */
export async function checkToken(hub: LocalHub, token: string, now: Date): Promise<ParticipantGrant | TokenRefusal> {
  let grant: ParticipantGrant;
  try {
    grant = await hub.verifyParticipantToken(token, now);
  } catch (error) {
    return tokenRejection(error);
  }
  return grantLimitViolation(grant) ?? grant;
}

export function isRefusal(value: ParticipantGrant | TokenRefusal): value is TokenRefusal {
  return 'status' in value && 'code' in value;
}

/** Verifies the Bearer token of a WHIP/WHEP request; throws a {@link StageHttpError} when refused. */
export async function verifyForHttp(hub: LocalHub, token: string, now: Date): Promise<ParticipantGrant> {
  const result = await checkToken(hub, token, now);
  if (!isRefusal(result)) return result;
  throw new StageHttpError(result.status, result.code, result.message, result.status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {});
}
