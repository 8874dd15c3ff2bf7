/**
 * Participant tokens minted by ivs-local: ES384 JWTs with the IVS claim names (IVS Real-Time User Guide, "Distribute Participant Tokens"),
 * signed by a P-384 key pair generated at start (or restored from the data file), plus the claim
 * `ivs_local: true` that routes the SDK to the local stage driver.
 */
import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, errors as joseErrors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import type { ParticipantTokenRejection } from './hub';
import { IvsLocalError } from './errors';

/** The serialisable form of the signing key (stored in the data file). */
export interface SigningKeyJwk {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** What goes into a token. */
export interface ParticipantTokenInput {
  participantId: string;
  stageArn: string;
  stageId: string;
  userId: string | undefined;
  attributes: Record<string, string> | undefined;
  publish: boolean;
  subscribe: boolean;
  whipUrl: string;
  eventsUrl: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Verified claims. */
export interface VerifiedParticipantClaims {
  participantId: string;
  stageArn: string;
  stageId: string;
  userId: string;
  attributes: Record<string, string>;
  publish: boolean;
  subscribe: boolean;
  expiresAt: Date;
}

/** Why verification failed, with a message for the client. */
export class TokenVerificationError extends IvsLocalError {
  override name = 'TokenVerificationError';
  readonly reason: Exclude<ParticipantTokenRejection, 'stage-not-found'>;

  constructor(reason: Exclude<ParticipantTokenRejection, 'stage-not-found'>, message: string) {
    super('token-verification', message);
    this.reason = reason;
  }
}

type SigningKey = CryptoKey;

/** Signs and verifies participant tokens with one P-384 key pair. */
export class ParticipantTokenSigner {
  readonly #privateKey: SigningKey;
  readonly #publicKey: SigningKey;
  readonly #jwk: SigningKeyJwk;
  readonly #kid: string;

  private constructor(privateKey: SigningKey, publicKey: SigningKey, jwk: SigningKeyJwk, kid: string) {
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
    this.#jwk = jwk;
    this.#kid = kid;
  }

  /** Generates a fresh key pair. */
  static async generate(): Promise<ParticipantTokenSigner> {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
    const jwk: SigningKeyJwk = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    return new ParticipantTokenSigner(privateKey, publicKey, jwk, await calculateJwkThumbprint(jwk.publicJwk));
  }

  /** Restores a key pair saved with {@link toJwk}. Throws if the JWKs are not a P-384 pair. */
  static async fromJwk(jwk: SigningKeyJwk): Promise<ParticipantTokenSigner> {
    if (jwk.privateJwk.crv !== 'P-384' || jwk.publicJwk.crv !== 'P-384' || !jwk.privateJwk.d) {
      throw new Error('the signing key is not a P-384 (ES384) private/public JWK pair');
    }
    const privateKey = (await importJWK(jwk.privateJwk, 'ES384', { extractable: true })) as SigningKey;
    const publicKey = (await importJWK(jwk.publicJwk, 'ES384', { extractable: true })) as SigningKey;
    return new ParticipantTokenSigner(privateKey, publicKey, jwk, await calculateJwkThumbprint(jwk.publicJwk));
  }

  toJwk(): SigningKeyJwk {
    return this.#jwk;
  }

  /** Mints a token. */
  async mint(input: ParticipantTokenInput): Promise<string> {
    const claims: Record<string, unknown> = {
      resource: input.stageArn,
      topic: input.stageId,
      events_url: input.eventsUrl,
      whip_url: input.whipUrl,
      capabilities: { allow_publish: input.publish, allow_subscribe: input.subscribe },
      version: '1.0',
      ivs_local: true,
    };
    if (input.userId !== undefined) claims['user_id'] = input.userId;
    if (input.attributes !== undefined) claims['attributes'] = input.attributes;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: this.#kid })
      .setJti(input.participantId)
      .setIssuedAt(Math.floor(input.issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(input.expiresAt.getTime() / 1000))
      .sign(this.#privateKey);
  }

  /** The `kid` header of the tokens this signer mints (the public JWK's thumbprint). */
  get kid(): string {
    return this.#kid;
  }

  /** Verifies signature, expiry and claim shapes. Throws {@link TokenVerificationError}. */
  verify(token: string, now: Date = new Date()): Promise<VerifiedParticipantClaims> {
    return verifyParticipantJwt(token, this.#publicKey, now, {
      forged: 'The participant token was not signed by this ivs-local instance.',
      renew: 'Mint a new one with CreateParticipantToken.',
    });
  }
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** The ParticipantTokenId shape: the participant id a token's `jti` carries. */
const JTI_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Throws {@link TokenVerificationError} (`malformed`) unless `token` has the three base64url parts of a JWS. */
export function assertJwtShape(token: unknown): asserts token is string {
  if (typeof token !== 'string' || !JWT_SHAPE.test(token)) {
    throw new TokenVerificationError('malformed', 'The participant token is not a JWT (three base64url parts).');
  }
}

/**
 * Verifies an ES384 participant token with `key`: signature, expiry and the IVS claims.
 * `messages.forged` explains a signature that does not verify; `messages.renew` how to get a new
 * token once it expired. Throws {@link TokenVerificationError}.
 */
export async function verifyParticipantJwt(
  token: string,
  key: CryptoKey | KeyObject,
  now: Date,
  messages: { forged: string; renew: string },
): Promise<VerifiedParticipantClaims> {
  assertJwtShape(token);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, { algorithms: ['ES384'], currentDate: now, clockTolerance: 0 }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw new TokenVerificationError('expired', `The participant token has expired. ${messages.renew}`);
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JOSEAlgNotAllowed) {
      throw new TokenVerificationError('forged', messages.forged);
    }
    throw new TokenVerificationError('malformed', `The participant token is malformed (${error instanceof Error ? error.message : String(error)}).`);
  }
  const { jti, resource, topic, capabilities, user_id: userId, attributes } = payload as Record<string, unknown>;
  const caps = capabilities as Record<string, unknown> | undefined;
  if (
    typeof jti !== 'string' ||
    typeof resource !== 'string' ||
    typeof topic !== 'string' ||
    typeof payload['exp'] !== 'number' ||
    typeof caps !== 'object' ||
    caps === null ||
    !resource.endsWith(`/${topic}`)
  ) {
    throw new TokenVerificationError(
      'malformed',
      'The participant token lacks the IVS claims (jti, resource, topic = the last segment of resource, capabilities, exp).',
    );
  }
  if (!JTI_PATTERN.test(jti)) {
    throw new TokenVerificationError('malformed', 'The participant token\'s "jti" (the participant id) must be 1-64 characters of [a-zA-Z0-9-_].');
  }
  const attrs: Record<string, string> = {};
  if (typeof attributes === 'object' && attributes !== null) {
    for (const [k, v] of Object.entries(attributes)) if (typeof v === 'string') attrs[k] = v;
  }
  return {
    participantId: jti,
    stageArn: resource,
    stageId: topic,
    userId: typeof userId === 'string' ? userId : '',
    attributes: attrs,
    publish: caps['allow_publish'] === true,
    subscribe: caps['allow_subscribe'] === true,
    expiresAt: new Date((payload['exp'] as number) * 1000),
  };
}
