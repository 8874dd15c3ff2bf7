import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalStageErrorCode, LocalStageHttpError } from 'aws-ivs-realtime/protocol';

/** An HTTP failure of a WHIP/WHEP request: status + machine-readable code + a message for people. */
export class StageHttpError extends Error {
  override name = 'StageHttpError';
  readonly status: number;
  readonly code: LocalStageErrorCode;
  readonly headers: Record<string, string>;

  constructor(status: number, code: LocalStageErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/**
 * CORS headers for the stage endpoints: browser apps are served from another origin (a Vite dev
 * server) and send `Authorization`, so every response, preflight included, carries them.
 */
export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, DELETE, PATCH, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, if-match',
  'access-control-expose-headers': 'location, etag, link, accept-patch',
  'access-control-max-age': '600',
};

export function sendJsonError(res: ServerResponse, error: StageHttpError): void {
  const body: LocalStageHttpError = { code: error.code, message: error.message };
  send(res, error.status, JSON.stringify(body), { 'content-type': 'application/json', ...error.headers });
}

export function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, { ...CORS_HEADERS, 'cache-control': 'no-store', ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Reads the request body as UTF-8, refusing more than `limit` bytes with 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new StageHttpError(413, 'payload-too-large', `The SDP offer is larger than ${limit} bytes.`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}

/** The Bearer token of a request, or a 401 telling the client how to authenticate. */
export function bearerToken(req: IncomingMessage): string {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) {
    throw new StageHttpError(
      401,
      'token-malformed',
      'Missing participant token: send "Authorization: Bearer <token>" with the token returned by CreateParticipantToken.',
      { 'www-authenticate': 'Bearer realm="ivs-local stage"' },
    );
  }
  return match[1]!;
}

/** Requires `Content-Type: application/sdp` (415 otherwise). */
export function requireSdpContentType(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/sdp') {
    throw new StageHttpError(
      415,
      'unsupported-media-type',
      `Expected "Content-Type: application/sdp" with an SDP offer as the body, got ${JSON.stringify(type || 'none')}.`,
      { accept: 'application/sdp' },
    );
  }
}
