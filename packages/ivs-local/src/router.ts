/**
 * Step of `startLocalIvs()`: the HTTP routing of one ivs-local server. Control-plane requests
 * (`/<Operation>`, `/tags/…`) are verified and dispatched here; the health endpoint is answered here;
 * every other request and every WebSocket upgrade goes to the mounted data-plane modules.
 * Malformed input of any kind gets an AWS-shaped 4xx, never a 5xx.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AwsServiceError, type ServiceName } from './aws-error';
import { CHAT_UNSUPPORTED, chatOperations } from './chat-api';
import { answerPreflight, isJsonContentType, readBody, RequestAbortedError, sendError, sendJson, setCorsHeaders, writeRawError } from './http';
import type { LocalModule } from './hub';
import { requestId } from './ids';
import type { OperationHandler } from './operations';
import type { IvsLocalConfig } from './options';
import type { DataFileWriter } from './persistence';
import { publicKeyOperations } from './public-keys-api';
import { REALTIME_UNSUPPORTED, realtimeOperations } from './realtime-api';
import { claimedService, verifySignature } from './sigv4';
import type { LocalIvsState } from './state';
import { tagOperation } from './tags-api';
import { Fields } from './validate';
import { ivsLocalVersion } from './version';

/** The health endpoint: `GET` answers 200 with the version. */
export const HEALTH_PATH = '/_ivs-local/health';

const SERVICE_OPERATIONS: Record<ServiceName, Record<string, OperationHandler>> = {
  ivs: { ...realtimeOperations, ...publicKeyOperations },
  ivschat: chatOperations,
};
const SERVICE_UNSUPPORTED: Record<ServiceName, Set<string>> = { ivs: REALTIME_UNSUPPORTED, ivschat: CHAT_UNSUPPORTED };
const SERVICE_TITLE: Record<ServiceName, string> = { ivs: 'IVS Real-Time', ivschat: 'IVS Chat' };
const TAG_OPERATIONS: Record<string, string> = { GET: 'ListTagsForResource', POST: 'TagResource', DELETE: 'UntagResource' };
/** Headers a SigV4 request carries once; a second copy is refused rather than silently ignored (Node keeps the first). */
const SINGLE_SECURITY_HEADERS = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']);

function unknownOperation(service: ServiceName, method: string, path: string): AwsServiceError {
  const what = `${method} ${path.length > 120 ? `${path.slice(0, 117)}...` : path}`;
  if (service === 'ivschat') {
    // Chat models this case: ValidationException with reason UNKNOWN_OPERATION.
    return AwsServiceError.validation(`Unknown operation for ${SERVICE_TITLE[service]}: ${what}.`, 'UNKNOWN_OPERATION');
  }
  return new AwsServiceError('UnknownOperationException', 404, `Unknown operation for ${SERVICE_TITLE[service]}: ${what}.`);
}

/** Control-plane paths: `/<Operation>` (operations are PascalCase) and `/tags/...`; the rest goes to modules (`/chat`, `/stage/...`). */
function isControlPlanePath(path: string): boolean {
  return path === '/' || path.startsWith('/tags/') || /^\/[A-Z][A-Za-z0-9]*$/.test(path);
}

/** Refuses a request that repeats a SigV4 header. */
function assertSingleSecurityHeaders(req: IncomingMessage): void {
  const seen = new Set<string>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (!SINGLE_SECURITY_HEADERS.has(name)) continue;
    if (seen.has(name)) {
      throw new AwsServiceError(
        'IncompleteSignatureException',
        403,
        `The request carries more than one ${req.rawHeaders[i]} header. A signed request carries each of Authorization, X-Amz-Date, X-Amz-Security-Token and X-Amz-Content-Sha256 at most once.`,
      );
    }
    seen.add(name);
  }
}

/** The JSON object of a control-plane body, or the restJson1 error for it. */
function parseJsonBody(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw new AwsServiceError('UnsupportedMediaTypeException', 415, `Content-Encoding "${encoding}" is not supported; send an uncompressed JSON body.`);
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new AwsServiceError(
      'UnsupportedMediaTypeException',
      415,
      `Expected Content-Type application/json, got ${req.headers['content-type'] ? `"${req.headers['content-type']}"` : 'none'}.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw AwsServiceError.serialization('The request body is not valid UTF-8.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw AwsServiceError.serialization(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw AwsServiceError.serialization('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** What the router needs from the server it runs in. */
export interface RouterDeps {
  config: IvsLocalConfig;
  state: LocalIvsState;
  writer: DataFileWriter | undefined;
  /** The mounted modules (empty until they are mounted, and again once closing). */
  modules: () => readonly LocalModule[];
  startedAt: number;
}

/** The listeners of one ivs-local HTTP server. */
export interface Router {
  request(req: IncomingMessage, res: ServerResponse): Promise<void>;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** An `Expect` header other than `100-continue` (Node would answer a bare 417). */
  checkExpectation(req: IncomingMessage, res: ServerResponse): void;
  clientError(error: NodeJS.ErrnoException, socket: Duplex): void;
}

/** One request's route, filled in as it is dispatched (for the request log). */
interface Route {
  operation: string;
}

export function createRouter(deps: RouterDeps): Router {
  const { config, state, writer } = deps;

  function reportInternal(what: string, error: unknown): void {
    if (config.debug) console.error(`[ivs-local] ${what} failed:`, error);
    else console.error(`[ivs-local] ${what} failed: ${(error as Error)?.message ?? String(error)} (start with --debug for the stack trace)`);
  }

  /** Waits until what the request changed is on disk, so its 200 is a durable acknowledgement. */
  async function durable(before: number | undefined): Promise<void> {
    if (!writer || writer.generation === before) return;
    try {
      await writer.durable();
    } catch (error) {
      throw AwsServiceError.internal(
        `The change was applied in memory but could not be written to the data file (${(error as Error).message}); it may be lost on restart.`,
      );
    }
  }

  async function controlPlane(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string, route: Route): Promise<void> {
    const method = req.method ?? 'GET';
    let service = claimedService(req.headers);
    const read = await readBody(req, config.maxBodyBytes);
    if (!read.ok) {
      const message = `The request body exceeds ${config.maxBodyBytes} bytes; ivs-local control-plane requests are small JSON documents.`;
      sendError(res, new AwsServiceError('RequestEntityTooLargeException', 413, message), service, { close: true });
      return;
    }
    assertSingleSecurityHeaders(req);
    const verified = await verifySignature({ method, rawPath, rawQuery, headers: req.headers, body: read.body }, { credentials: config.credentials, region: config.region });
    service = verified.service;

    let handler: OperationHandler;
    let resourceArn: string | undefined;
    if (rawPath.startsWith('/tags/')) {
      const label = rawPath.slice('/tags/'.length);
      if (label === '' || label.includes('/') || !['GET', 'POST', 'DELETE'].includes(method)) throw unknownOperation(service, method, rawPath);
      route.operation = TAG_OPERATIONS[method]!;
      try {
        resourceArn = decodeURIComponent(label);
      } catch {
        throw AwsServiceError.field('resourceArn', label, 'Member must be a percent-encoded ARN');
      }
      const tagService = service;
      handler = (ctx) => tagOperation(ctx, tagService, method);
    } else {
      const name = rawPath.slice(1);
      const found = Object.prototype.hasOwnProperty.call(SERVICE_OPERATIONS[service], name) ? SERVICE_OPERATIONS[service][name] : undefined;
      if (!found || method !== 'POST') {
        if (method === 'POST' && SERVICE_UNSUPPORTED[service].has(name)) {
          throw new AwsServiceError('NotImplementedException', 501, `${name} is part of the ${SERVICE_TITLE[service]} API but ivs-local does not emulate it.`);
        }
        throw unknownOperation(service, method, rawPath);
      }
      route.operation = name;
      handler = found;
    }

    const input = method === 'POST' && read.body.length > 0 ? parseJsonBody(req, read.body) : {};
    const before = writer?.generation;
    const result = await handler({
      state,
      input: new Fields(input),
      query: new URLSearchParams(rawQuery),
      ...(resourceArn !== undefined ? { resourceArn } : {}),
      now: new Date(),
    });
    await durable(before);
    sendJson(res, result.status ?? 200, result.body);
  }

  function health(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      throw new AwsServiceError('MethodNotAllowedException', 405, `${HEALTH_PATH} answers GET only.`);
    }
    sendJson(res, 200, {
      status: 'ok',
      service: 'ivs-local',
      version: ivsLocalVersion(),
      region: config.region,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      persistence: writer ? 'data-file' : 'memory',
    });
  }

  function logRequest(req: IncomingMessage, res: ServerResponse, route: Route, started: number): void {
    const log = config.logRequests;
    if (!log) return;
    res.once('close', () => {
      const durationMs = Math.round(performance.now() - started);
      const method = req.method ?? 'GET';
      const status = res.writableFinished ? res.statusCode : 0;
      try {
        log({ method, operation: route.operation, status, durationMs, line: `${method} ${route.operation} ${status || 'aborted'} ${durationMs} ms` });
      } catch (error) {
        reportInternal('the request log', error);
      }
    });
  }

  async function request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const id = requestId();
    res.setHeader('x-amzn-RequestId', id);
    setCorsHeaders(req, res);
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q === -1 ? target : target.slice(0, q);
    const rawQuery = q === -1 ? '' : target.slice(q + 1);
    const route: Route = { operation: rawPath.length > 80 ? `${rawPath.slice(0, 77)}...` : rawPath };
    logRequest(req, res, route, started);
    let service = claimedService(req.headers);
    try {
      const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      if (isControlPlanePath(rawPath)) {
        if (isPreflight) return answerPreflight(req, res);
        await controlPlane(req, res, rawPath, rawQuery, route);
        return;
      }
      service = undefined;
      if (rawPath === HEALTH_PATH) {
        route.operation = 'Health';
        return health(req, res);
      }
      let url: URL;
      try {
        url = new URL(target, 'http://ivs-local');
      } catch {
        throw new AwsServiceError('BadRequestException', 400, 'The request target is not a valid URL path.');
      }
      for (const module of deps.modules()) {
        if (module.handleRequest && (await module.handleRequest(req, res, url))) return;
      }
      if (isPreflight) return answerPreflight(req, res);
      req.resume();
      throw new AwsServiceError('NotFoundException', 404, `No ivs-local endpoint at ${req.method} ${rawPath.slice(0, 120)}.`);
    } catch (error) {
      if (error instanceof RequestAbortedError) {
        res.destroy();
        return;
      }
      if (error instanceof AwsServiceError) {
        if (error.status === 403 || error.type === 'RequestEntityTooLargeException') service = claimedService(req.headers);
        sendError(res, error, error.status === 403 ? undefined : service);
        return;
      }
      reportInternal(`${req.method} ${rawPath.slice(0, 120)} (request ${id})`, error);
      if (!res.headersSent) sendError(res, AwsServiceError.internal(), service);
      else res.destroy();
    }
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'http://ivs-local');
      for (const module of deps.modules()) {
        if (module.handleUpgrade?.(req, socket, head, url)) return;
      }
      writeRawError(socket, 404, 'NotFoundException', `No WebSocket endpoint at ${url.pathname.slice(0, 120)}.`, requestId());
    } catch (error) {
      if (error instanceof TypeError && /Invalid URL/i.test(error.message)) {
        writeRawError(socket, 400, 'BadRequestException', 'The request target is not a valid URL path.', requestId());
        return;
      }
      reportInternal('a WebSocket upgrade', error);
      writeRawError(socket, 500, 'InternalServerException', 'The WebSocket upgrade failed inside ivs-local.', requestId());
    }
  }

  function checkExpectation(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('x-amzn-RequestId', requestId());
    setCorsHeaders(req, res);
    req.resume();
    const expectation = String(req.headers.expect ?? '').slice(0, 60);
    const error = new AwsServiceError('ExpectationFailedException', 417, `Expect: "${expectation}" is not supported; the only expectation ivs-local meets is 100-continue.`);
    sendError(res, error, isControlPlanePath(req.url?.split('?')[0] ?? '/') ? claimedService(req.headers) : undefined, { close: true });
  }

  function clientError(error: NodeJS.ErrnoException, socket: Duplex): void {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const type = status === 431 ? 'RequestHeaderFieldsTooLargeException' : status === 408 ? 'RequestTimeoutException' : 'BadRequestException';
    writeRawError(socket, status, type, `The HTTP request could not be parsed (${error.code ?? error.message}).`, requestId());
  }

  return { request, upgrade, checkExpectation, clientError };
}
