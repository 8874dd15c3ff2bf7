/**
 * Participant-token verification against ivs-local's own signing key and the public keys imported for
 * self-signed tokens (ImportPublicKey). Used by `LocalIvsState.verifyParticipantToken`.
 */
import type { KeyObject } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import {
  assertJwtShape,
  TokenVerificationError,
  verifyParticipantJwt,
  type ParticipantTokenSigner,
  type VerifiedParticipantClaims,
} from './participant-tokens';

/**
 * Verifies a token's signature and claims. A `kid` header holding a public key ARN selects that
 * imported key (deleted or unknown → `forged`); any other `kid` means ivs-local's own key; a
 * token without `kid` is tried against ivs-local's key, then every imported key.
 */
export async function verifyTokenClaims(
  token: string,
  now: Date,
  signer: ParticipantTokenSigner,
  publicKeys: ReadonlyMap<string, KeyObject>,
): Promise<VerifiedParticipantClaims> {
  assertJwtShape(token);
  let kid: unknown;
  try {
    ({ kid } = decodeProtectedHeader(token));
  } catch {
    throw new TokenVerificationError('malformed', 'The participant token\'s header is not base64url JSON.');
  }
  if (typeof kid === 'string' && kid.startsWith('arn:')) {
    const key = publicKeys.get(kid);
    if (!key) {
      throw new TokenVerificationError(
        'forged',
        `The participant token names the public key ${kid} (header "kid"), which is not imported in this ivs-local: ` +
          'it was deleted (which revokes its tokens) or never imported. Import it with ImportPublicKey.',
      );
    }
    return verifyParticipantJwt(token, key, now, {
      forged: `The participant token's signature does not verify with the public key ${kid} it names: sign it with that key's private half (ES384).`,
      renew: 'Sign a new one.',
    });
  }
  if (kid !== undefined || publicKeys.size === 0) return signer.verify(token, now);
  try {
    return await signer.verify(token, now);
  } catch (error) {
    if (!(error instanceof TokenVerificationError) || error.reason !== 'forged') throw error;
  }
  for (const [arn, key] of publicKeys) {
    try {
      return await verifyParticipantJwt(token, key, now, { forged: '', renew: `Sign a new one (public key ${arn}).` });
    } catch (error) {
      if (!(error instanceof TokenVerificationError) || error.reason !== 'forged') throw error;
    }
  }
  throw new TokenVerificationError(
    'forged',
    'The participant token was signed neither by this ivs-local nor by any imported public key. Self-signed tokens should name their public key ARN in the "kid" header.',
  );
}
