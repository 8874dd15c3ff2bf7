/** HTTP plumbing for ivs-local: CORS, bounded body reading, AWS-shaped responses. */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AwsServiceError, errorBody, type ServiceName } from './aws-error';
import { IvsLocalError } from './errors';

/** Request headers a browser page using the AWS SDK (v3) sends. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-user-agent',
  'x-amz-security-token',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
];
/** Response headers scripts may read (the SDK reads the error type, request id and Date for clock skew). */
const EXPOSED_HEADERS = 'x-amzn-RequestId, x-amzn-ErrorType, x-amz-apigw-id, Date, Location, ETag, Link';

/** Adds the CORS headers every ivs-local response carries. */
export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', typeof origin === 'string' && origin !== '' ? origin : '*');
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
}

/** Answers a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) with 204. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h));
  const allowed = [...new Set([...ALLOWED_HEADERS, ...requested])];
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', allowed.join(', '));
  res.setHeader('Access-Control-Max-Age', '600');
  if (req.headers['access-control-request-private-network'] === 'true') {
    res.setHeader('Access-Control-Allow-Private-Network', 'true');
  }
  res.statusCode = 204;
  res.end();
}

/** The client went away (or timed out) before its body was complete: nothing can be answered. */
export class RequestAbortedError extends IvsLocalError {
  override name = 'RequestAbortedError';

  constructor(message: string) {
    super('request-aborted', message);
  }
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true; received: number };

/**
 * Reads the request body, keeping at most `limit` bytes. A larger body is drained (up to
 * `drainLimit`, so the client can read the 413 answer) and reported as too large; beyond that the
 * connection is cut.
 */
export function readBody(req: IncomingMessage, limit: number, drainLimit = limit * 8): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (received > drainLimit) {
          req.pause();
          resolve({ ok: false, tooLarge: true, received });
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? { ok: false, tooLarge: true, received } : { ok: true, body: Buffer.concat(chunks) }));
    req.on('error', (error) => reject(new RequestAbortedError(error.message)));
    req.on('aborted', () => reject(new RequestAbortedError('request aborted')));
    req.on('close', () => {
      if (!req.complete) reject(new RequestAbortedError('connection closed before the body was complete'));
    });
  });
}

/** Writes a JSON success response (or an empty one when `body` is undefined). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.writableEnded) return;
  if (body === undefined) {
    res.statusCode = status;
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Writes an AWS error response: status, `x-amzn-ErrorType`, JSON body shaped for the service. */
export function sendError(res: ServerResponse, error: AwsServiceError, service: ServiceName | undefined, options: { close?: boolean } = {}): void {
  if (res.headersSent || res.writableEnded) return;
  res.setHeader('x-amzn-ErrorType', error.type);
  if (options.close) res.setHeader('Connection', 'close');
  sendJson(res, error.status, errorBody(error, service));
}

/** Answers on a raw socket (client errors, refused upgrades) with an AWS-shaped error, then closes it. */
export function writeRawError(socket: Duplex, status: number, type: string, message: string, requestId: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `x-amzn-ErrorType: ${type}\r\n` +
      `x-amzn-RequestId: ${requestId}\r\n` +
      'Access-Control-Allow-Origin: *\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Whether a Content-Type names JSON. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const type = value.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/x-amz-json-1\.[01]$/.test(type) || /^application\/[a-z0-9.-]+\+json$/.test(type);
}

export { AwsServiceError };
