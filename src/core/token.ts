import { TokenError } from './errors';

/** Capabilities granted by a participant token. */
export interface TokenCapabilities {
  publish: boolean;
  subscribe: boolean;
}

/**
 * The claims of a Real-Time participant token, decoded (not verified: only the media server can
 * verify a token). Claim names follow the IVS token format (ES384 JWT): `jti` is the participant id,
 * `topic` the stage id, `resource` the stage ARN.
 */
export interface ParticipantTokenClaims {
  participantId: string;
  stageId: string | undefined;
  stageArn: string | undefined;
  userId: string | undefined;
  attributes: Record<string, string>;
  capabilities: TokenCapabilities;
  /** Expiry. */
  expiresAt: Date;
  issuedAt: Date | undefined;
  eventsUrl: string | undefined;
  whipUrl: string | undefined;
  /** All claims as decoded, for anything not mapped above. */
  raw: Record<string, unknown>;
}

function base64UrlDecode(segment: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw new Error('not base64url');
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Decodes a participant token's claims without verifying its signature.
 * Throws {@link TokenError} (`malformed`) when it is not a JWT with the IVS claims.
 * Expiry is not checked here: see {@link assertTokenUsable}.
 */
export function decodeParticipantToken(token: unknown): ParticipantTokenClaims {
  if (typeof token !== 'string' || token.length === 0) throw TokenError.malformed('expected a non-empty string');
  const parts = token.split('.');
  if (parts.length !== 3) throw TokenError.malformed('expected a JWT with three dot-separated parts');
  let header: Record<string, unknown> | undefined;
  let claims: Record<string, unknown> | undefined;
  try {
    header = asRecord(JSON.parse(base64UrlDecode(parts[0] ?? '')));
    claims = asRecord(JSON.parse(base64UrlDecode(parts[1] ?? '')));
  } catch (cause) {
    throw TokenError.malformed('the header or claims are not base64url JSON', cause);
  }
  if (!header || !claims) throw TokenError.malformed('the header or claims are not JSON objects');
  const { jti, exp, iat } = claims;
  if (typeof jti !== 'string' || jti.length === 0) throw TokenError.malformed('missing participant id claim "jti"');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw TokenError.malformed('missing expiry claim "exp"');
  const caps = asRecord(claims['capabilities']);
  const attributesIn = asRecord(claims['attributes']) ?? {};
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributesIn)) attributes[key] = String(value);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    participantId: jti,
    stageId: str(claims['topic']),
    stageArn: str(claims['resource']),
    userId: str(claims['user_id']),
    attributes,
    capabilities: {
      publish: caps?.['allow_publish'] === true,
      subscribe: caps?.['allow_subscribe'] === true,
    },
    expiresAt: new Date(exp * 1000),
    issuedAt: typeof iat === 'number' ? new Date(iat * 1000) : undefined,
    eventsUrl: str(claims['events_url']),
    whipUrl: str(claims['whip_url']),
    raw: claims,
  };
}

/** Decodes the token and throws {@link TokenError} if it is malformed or expired at `now`. */
export function assertTokenUsable(token: unknown, now: Date = new Date()): ParticipantTokenClaims {
  const claims = decodeParticipantToken(token);
  if (claims.expiresAt.getTime() <= now.getTime()) throw TokenError.expired(claims.expiresAt);
  return claims;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Whether a token was minted by ivs-local (its media endpoints are the emulator's own local stage
 * server) rather than by AWS. ivs-local marks its tokens with the `ivs_local` claim; as a fallback a
 * `whip_url` on a loopback host also counts.
 */
export function isLocalStageToken(claims: ParticipantTokenClaims): boolean {
  if (claims.raw['ivs_local'] === true) return true;
  if (!claims.whipUrl) return false;
  try {
    return LOOPBACK_HOST.test(new URL(claims.whipUrl).hostname);
  } catch {
    return false;
  }
}
