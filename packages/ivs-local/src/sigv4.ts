/**
 * SigV4 verification of control-plane requests. The signature is recomputed with the same signer
 * the AWS SDKs use (`@smithy/signature-v4`) over exactly the headers the client signed, and compared
 * in constant time. Failures are the errors the AWS front end answers (all 403).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsServiceError, type ServiceName } from './aws-error';

/** Credentials the emulator accepts. */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry this `x-amz-security-token`. */
  sessionToken?: string;
}

/** The largest clock difference accepted between the signature date and the server clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** The request path exactly as received (still percent-encoded). */
  rawPath: string;
  /** The raw query string, without `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

export interface VerifiedSignature {
  service: ServiceName;
  accessKeyId: string;
}

const AUTH_PREFIX = 'AWS4-HMAC-SHA256 ';

function forbidden(type: string, message: string): AwsServiceError {
  return new AwsServiceError(type, 403, message);
}

const incomplete = (detail: string) =>
  forbidden('IncompleteSignatureException', `${detail} Sign requests with AWS Signature Version 4 (any AWS SDK does this).`);

/** Which service a request claims through its credential scope, without verifying anything. */
export function claimedService(headers: IncomingHttpHeaders): ServiceName | undefined {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const match = /Credential=[^/,\s]*\/\d{8}\/[^/]+\/(ivs|ivschat)\/aws4_request/.exec(auth);
  return match ? (match[1] as ServiceName) : undefined;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

async function sha256Hex(body: Uint8Array): Promise<string> {
  const hash = new Sha256();
  hash.update(body);
  return toHex(await hash.digest());
}

function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return { ...query };
}

/**
 * Verifies a request's SigV4 `Authorization` header against the configured credentials and region.
 * Resolves with the signing service, or rejects with an {@link AwsServiceError} (403).
 */
export async function verifySignature(
  request: SignedRequest,
  options: { credentials: LocalCredentials; region: string; now?: Date },
): Promise<VerifiedSignature> {
  const { credentials, region } = options;
  const now = options.now ?? new Date();
  const auth = request.headers.authorization;
  if (auth === undefined || auth === '') {
    if (/(^|&)X-Amz-Algorithm=/i.test(request.rawQuery)) {
      throw incomplete('ivs-local does not accept presigned (query-string) requests; use the Authorization header.');
    }
    throw forbidden('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (!auth.startsWith(AUTH_PREFIX)) {
    throw incomplete(`Unsupported Authorization header: expected the algorithm AWS4-HMAC-SHA256.`);
  }
  const params = new Map<string, string>();
  for (const part of auth.slice(AUTH_PREFIX.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = params.get('Credential');
  const signedHeadersText = params.get('SignedHeaders');
  const signature = params.get('Signature');
  const missing = [
    credential ? undefined : "'Credential'",
    signedHeadersText ? undefined : "'SignedHeaders'",
    signature ? undefined : "'Signature'",
  ].filter(Boolean);
  if (missing.length > 0) {
    throw incomplete(`Authorization header requires ${missing.join(', ')} parameter(s).`);
  }
  const scope = credential!.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1] ?? '')) {
    throw incomplete(`Authorization header has a malformed Credential "${credential}": expected <AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request.`);
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService] = scope as [string, string, string, string, string];
  if (!/^[0-9a-f]{64}$/.test(signature!)) {
    throw forbidden('InvalidSignatureException', 'The request signature is malformed: expected 64 hexadecimal characters.');
  }

  const amzDateHeader = request.headers['x-amz-date'];
  const amzDate = typeof amzDateHeader === 'string' ? parseAmzDate(amzDateHeader) : undefined;
  if (!amzDate || typeof amzDateHeader !== 'string') {
    throw incomplete("Authorization header requires existence of a valid 'X-Amz-Date' header (format YYYYMMDDTHHMMSSZ).");
  }
  const signedHeaders = signedHeadersText!.split(';').map((h) => h.trim().toLowerCase());
  if (!signedHeaders.includes('host')) throw incomplete("'Host' must be a signed header.");
  if (!signedHeaders.includes('x-amz-date')) throw incomplete("'X-Amz-Date' must be a signed header.");
  for (const name of signedHeaders) {
    if (request.headers[name] === undefined) throw incomplete(`Signed header '${name}' is missing from the request.`);
  }

  if (accessKeyId !== credentials.accessKeyId) {
    throw forbidden('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const tokenHeader = request.headers['x-amz-security-token'];
  if (tokenHeader !== undefined && tokenHeader !== credentials.sessionToken) {
    throw forbidden('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (credentials.sessionToken !== undefined && tokenHeader === undefined) {
    throw forbidden('UnrecognizedClientException', 'The security token included in the request is invalid: this ivs-local instance requires a session token.');
  }

  if (scopeService !== 'ivs' && scopeService !== 'ivschat') {
    throw forbidden('InvalidSignatureException', `Credential should be scoped to correct service: 'ivs' (IVS Real-Time) or 'ivschat' (IVS Chat), not '${scopeService}'.`);
  }
  if (scopeRegion !== region) {
    throw forbidden(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${scopeRegion}'. This ivs-local instance serves region '${region}': configure your client with that region.`,
    );
  }
  if (scopeDate !== amzDateHeader.slice(0, 8)) {
    throw forbidden('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDateHeader.slice(0, 8)}'.`);
  }
  const skew = amzDate.getTime() - now.getTime();
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    const bound = new Date(now.getTime() + (skew < 0 ? -MAX_CLOCK_SKEW_MS : MAX_CLOCK_SKEW_MS));
    throw forbidden(
      'InvalidSignatureException',
      skew < 0
        ? `Signature expired: ${amzDateHeader} is now earlier than ${formatAmzDate(bound)} (${formatAmzDate(now)} - 5 min.)`
        : `Signature not yet current: ${amzDateHeader} is still later than ${formatAmzDate(bound)} (${formatAmzDate(now)} + 5 min.)`,
    );
  }

  const bodyHash = await sha256Hex(request.body);
  const declaredHash = request.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== bodyHash) {
    throw forbidden(
      'InvalidSignatureException',
      'The provided x-amz-content-sha256 header does not match what was computed: the body was changed after signing.',
    );
  }

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    headers[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(tokenHeader !== undefined ? { sessionToken: String(tokenHeader) } : {}),
    },
    region,
    service: scopeService,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: String(request.headers.host ?? ''),
      path: request.rawPath,
      query: parseQuery(request.rawQuery),
      headers,
      body: request.body,
    },
    { signingDate: amzDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization'] ?? ''))?.[1] ?? '';
  const expectedHeaders = /SignedHeaders=([^,]+)/.exec(String(signed.headers['authorization'] ?? ''))?.[1] ?? '';
  const matches =
    expected.length === 64 &&
    expectedHeaders === [...signedHeaders].sort().join(';') &&
    timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(signature!, 'hex'));
  if (!matches) {
    throw forbidden(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { service: scopeService, accessKeyId };
}
