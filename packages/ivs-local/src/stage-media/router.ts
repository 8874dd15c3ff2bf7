/**
 * The stage media server's HTTP routes: `/stage/<stageId>/…` (WHIP, WHEP, their sessions, the
 * events path) and the global WHIP endpoint `/whip`. Path segments are %-decoded safely: a
 * malformed escape is a 400, never a crash.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send, StageHttpError } from './http';
import type { MediaEndpoints } from './media-endpoints';

/**
 * The decoded segments of a `/stage/<stageId>/…` path, or `undefined` for paths outside `/stage`.
 * A `/stage` path without a stage id is a 404.
 */
export function parseStagePath(pathname: string): { stageId: string; rest: string[] } | undefined {
  if (pathname !== '/stage' && !pathname.startsWith('/stage/')) return undefined;
  const match = /^\/stage\/([^/]+)(\/.*)?$/.exec(pathname);
  if (!match) throw new StageHttpError(404, 'not-found', 'No such stage endpoint: the path needs a stage id, /stage/<stageId>/whip. See docs/local-stage-protocol.md.');
  return { stageId: decodeSegment(match[1]!), rest: (match[2] ?? '').split('/').filter(Boolean).map(decodeSegment) };
}

/** `decodeURIComponent` with a 400 instead of a `URIError`. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new StageHttpError(400, 'bad-request', `The path segment ${JSON.stringify(segment.slice(0, 80))} has a malformed %-escape.`);
  }
}

export function methodNotAllowed(allow: string): StageHttpError {
  return new StageHttpError(405, 'method-not-allowed', `Method not allowed here; allowed: ${allow}.`, { allow });
}

/** Routes one request under `/stage/`. */
export async function routeStageRequest(
  endpoints: MediaEndpoints,
  req: IncomingMessage,
  res: ServerResponse,
  stageId: string,
  rest: string[],
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    send(res, 204, '', { 'accept-post': 'application/sdp' });
    return;
  }
  const [endpoint, first, second, ...extra] = rest;
  if (endpoint === 'events' && rest.length === 1) {
    throw new StageHttpError(426, 'bad-request', 'The events endpoint is a WebSocket: connect with a WebSocket client.', { upgrade: 'websocket' });
  }
  if (endpoint === 'whip' && first === undefined) {
    if (method !== 'POST') throw methodNotAllowed('POST, OPTIONS');
    return endpoints.whip(req, res, stageId);
  }
  if (endpoint === 'whip' && first !== undefined && second === undefined) {
    requireDelete(method);
    return endpoints.deleteSession(req, res, () => endpoints.findPublisherSession(stageId, first));
  }
  if (endpoint === 'whep' && first !== undefined && second === undefined) {
    if (method !== 'POST') throw methodNotAllowed('POST, OPTIONS');
    return endpoints.whep(req, res, stageId, first);
  }
  if (endpoint === 'whep' && first !== undefined && second !== undefined && extra.length === 0) {
    requireDelete(method);
    return endpoints.deleteSession(req, res, () => endpoints.findSubscriberSession(stageId, first, second));
  }
  throw new StageHttpError(404, 'not-found', 'No such stage endpoint. See docs/local-stage-protocol.md for the paths.');
}

/**
 * The global WHIP endpoint, as Amazon IVS's `https://global.whip.live-video.net`: a `POST` with a
 * participant token is answered `307` to the token's `whip_url`. Clients must follow the redirect
 * and send their `Authorization` header and offer again.
 */
export async function routeGlobalWhip(endpoints: MediaEndpoints, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    send(res, 204, '', { 'accept-post': 'application/sdp' });
    return;
  }
  if (method !== 'POST') throw methodNotAllowed('POST, OPTIONS');
  const grant = await endpoints.verify(req);
  req.resume();
  const whipUrl = whipUrlOf(grant.token) ?? `/stage/${encodeURIComponent(grant.stageId)}/whip`;
  send(res, 307, '', { location: whipUrl });
}

/** The `whip_url` claim of a (verified) participant token. */
function whipUrlOf(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof claims['whip_url'] === 'string' && /^https?:\/\//.test(claims['whip_url']) ? claims['whip_url'] : undefined;
  } catch {
    return undefined;
  }
}

function requireDelete(method: string): void {
  if (method === 'PATCH') {
    throw new StageHttpError(
      405,
      'method-not-allowed',
      'Trickle ICE and ICE restarts are not supported: send a complete offer (ICE gathering finished) with POST, and POST again to reconnect.',
      { allow: 'DELETE, OPTIONS' },
    );
  }
  if (method !== 'DELETE') throw methodNotAllowed('DELETE, OPTIONS');
}
