/**
 * The HTTP side of `createControlPlaneHandler`: the base path, routing a request to its operation
 * (404 / 405), path segments, and the size-capped JSON body. Failures are {@link HttpFailure}s,
 * answered as they are.
 */
import { ValidationError } from '../core/errors';
import { REST_ROUTES, type ControlPlaneOperation } from '../control-plane/rest-contract';

/** A failure answered directly (routing, parsing, denial). */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly errorName: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface MatchedRoute {
  operation: ControlPlaneOperation;
  arn: string | undefined;
}

export function normalizeBasePath(basePath: string | undefined): string {
  if (basePath === undefined || basePath === '' || basePath === '/') return '';
  if (typeof basePath !== 'string' || !basePath.startsWith('/')) {
    throw new ValidationError('basePath', 'must start with "/" (e.g. "/api/ivs").');
  }
  return basePath.replace(/\/+$/, '');
}

/** Finds the operation for a path, or throws 404 / 405. */
export function matchRoute(method: string, segments: string[]): MatchedRoute {
  const allowed: string[] = [];
  let arn: string | undefined;
  for (const [operation, route] of Object.entries(REST_ROUTES) as [ControlPlaneOperation, (typeof REST_ROUTES)[ControlPlaneOperation]][]) {
    if (route.segments.length !== segments.length) continue;
    let matches = true;
    let candidateArn: string | undefined;
    route.segments.forEach((expected, index) => {
      const actual = segments[index] ?? '';
      if (expected === ':arn') candidateArn = actual;
      else if (expected !== actual) matches = false;
    });
    if (!matches) continue;
    if (route.method === method) {
      arn = candidateArn;
      return { operation, arn };
    }
    allowed.push(route.method);
  }
  if (allowed.length > 0) {
    throw new HttpFailure(405, 'MethodNotAllowed', `Use ${allowed.join(' or ')} on this path.`, { allow: allowed.join(', ') });
  }
  throw new HttpFailure(404, 'NotFound', 'No control-plane operation is served at this path.');
}

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpFailure(400, 'ValidationError', 'The path contains malformed percent-encoding.');
  }
}

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    throw new HttpFailure(413, 'PayloadTooLarge', `The request body must be at most ${maxBytes} bytes.`);
  }
  if (request.body === null) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new HttpFailure(413, 'PayloadTooLarge', `The request body must be at most ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  if (total === 0) return undefined;
  const contentType = request.headers.get('content-type') ?? '';
  // Requiring JSON forces a CORS preflight for cross-origin callers: a plain HTML form cannot post here.
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new HttpFailure(415, 'UnsupportedMediaType', 'Send the body as JSON with "Content-Type: application/json".');
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpFailure(400, 'MalformedJson', 'The request body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpFailure(400, 'MalformedJson', 'The request body is not valid JSON.');
  }
}
