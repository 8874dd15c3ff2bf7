/**
 * `startLocalIvs()`: one node:http server on loopback serving both IVS control planes (SigV4
 * verified, AWS restJson1 errors) and the mounted data-plane modules (chat socket, stage media).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { AwsServiceError, type ServiceName } from './aws-error';
import { CHAT_UNSUPPORTED, chatOperations } from './chat-api';
import { defaultModules } from './default-modules';
import { HEALTH_PATH, IVS_LOCAL_VERSION } from './version';
import { answerPreflight, isJsonContentType, readBody, RequestAbortedError, sendError, sendJson, setCorsHeaders, writeRawError } from './http';
import type { LocalHub, LocalModule, LocalModuleContext, LocalModuleFactory } from './hub';
import { requestId } from './ids';
import type { OperationHandler } from './operations';
import { ParticipantTokenSigner } from './participant-tokens';
import { DataFileWriter, LocalDataFileError, loadDataFile } from './persistence';
import { REALTIME_UNSUPPORTED, realtimeOperations } from './realtime-api';
import { claimedService, verifySignature, type LocalCredentials } from './sigv4';
import { LocalIvsState } from './state';
import { tagOperation } from './tags-api';
import { Fields } from './validate';

export type { LocalCredentials } from './sigv4';

/**
 * The credentials ivs-local accepts unless told otherwise. They are not secrets: they only work
 * against an ivs-local instance.
 */
export const DEFAULT_LOCAL_CREDENTIALS: Readonly<LocalCredentials> = {
  accessKeyId: 'IVSLOCALACCESSKEY',
  secretAccessKey: 'ivs-local-secret',
};

/** Default largest accepted control-plane request body (bytes). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link startLocalIvs}. */
export interface StartLocalIvsOptions {
  /** TCP port; `0` (default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** The region ivs-local serves; requests must be signed for it. Default `us-east-1`. */
  region?: string;
  /** The account id in ARNs. Default `123456789012`. */
  accountId?: string;
  /** The credentials requests must be signed with. Default {@link DEFAULT_LOCAL_CREDENTIALS}. */
  credentials?: LocalCredentials;
  /**
   * A JSON file that keeps stages, rooms, public keys, tags and the token signing key across restarts
   * (created if missing). A file that cannot be read back makes startup fail with
   * {@link LocalDataFileError}; it is never overwritten.
   */
  dataFile?: string;
  /** Data-plane modules to mount, in order. Default: the chat socket and stage media server. */
  modules?: LocalModuleFactory[];
  /** Largest accepted control-plane body in bytes (default 1 MiB); larger bodies get 413. */
  maxBodyBytes?: number;
  /** Time a client has to send a complete request, in ms (default 30 000); slower ones get 408. */
  requestTimeoutMs?: number;
  /**
   * How long a stage session stays active after its last participant left, in ms. Amazon IVS ends
   * it "a few minutes" later (a rejoin meanwhile continues the same session, and the stage keeps its
   * `activeSessionId`); set this to rehearse that locally. Default 0: the session ends at once.
   */
  stageSessionLingerMs?: number;
}

/** A running ivs-local instance. */
export interface LocalIvs {
  /** Base URL for the AWS SDK clients' `endpoint`: `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The same origin as a WebSocket URL: `ws://127.0.0.1:PORT` (chat socket at `/chat`). */
  readonly wsUrl: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** The credentials to sign with (a fresh copy on each read; pass it to the AWS SDK clients). */
  readonly credentials: LocalCredentials;
  /** The state seam the data-plane modules use (also handy in tests). */
  readonly hub: LocalHub;
  /** The data file, when persistence is on. */
  readonly dataFile: string | undefined;
  /** Stops the modules and the server, and writes pending state. Idempotent. */
  close(): Promise<void>;
}

const SERVICE_OPERATIONS: Record<ServiceName, Record<string, OperationHandler>> = {
  ivs: realtimeOperations,
  ivschat: chatOperations,
};
const SERVICE_UNSUPPORTED: Record<ServiceName, Set<string>> = { ivs: REALTIME_UNSUPPORTED, ivschat: CHAT_UNSUPPORTED };
const SERVICE_TITLE: Record<ServiceName, string> = { ivs: 'IVS Real-Time', ivschat: 'IVS Chat' };

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

/**
 * Starts ivs-local.
 *
 * @example
 * ```ts
 * import { startLocalIvs } from 'ivs-local';
 * import { IVSRealTimeClient, CreateStageCommand } from '@aws-sdk/client-ivs-realtime';
 *
 * const ivs = await startLocalIvs();
 * const client = new IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials });
 * const { stage } = await client.send(new CreateStageCommand({ name: 'demo' }));
 * await ivs.close();
 * ```
 */
export async function startLocalIvs(options: StartLocalIvsOptions = {}): Promise<LocalIvs> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  // A private copy: the AWS SDK annotates credential objects it is given, so none is frozen.
  const credentials: LocalCredentials = { ...(options.credentials ?? DEFAULT_LOCAL_CREDENTIALS) };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!/^[a-z0-9-]+$/.test(region)) throw new TypeError(`startLocalIvs: region "${region}" is not a valid region name (e.g. us-east-1).`);
  if (!/^[0-9]+$/.test(accountId)) throw new TypeError(`startLocalIvs: accountId "${accountId}" must be digits (e.g. 123456789012).`);
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new TypeError('startLocalIvs: credentials need a non-empty accessKeyId and secretAccessKey.');
  }
  const stageSessionLingerMs = options.stageSessionLingerMs ?? 0;
  if (typeof stageSessionLingerMs !== 'number' || !Number.isFinite(stageSessionLingerMs) || stageSessionLingerMs < 0) {
    throw new TypeError(`startLocalIvs: stageSessionLingerMs must be a number of milliseconds ≥ 0, got ${String(stageSessionLingerMs)}.`);
  }

  // State: restored from the data file when there is one.
  const persisted = options.dataFile ? await loadDataFile(options.dataFile, { region, accountId }) : undefined;
  let signer: ParticipantTokenSigner;
  if (persisted) {
    try {
      signer = await ParticipantTokenSigner.fromJwk(persisted.signingKey);
    } catch (error) {
      throw new LocalDataFileError(
        'corrupt',
        options.dataFile!,
        `The ivs-local data file ${options.dataFile} has an unusable signing key (${(error as Error).message}). It was left untouched: repair it, or move it away to start with an empty state.`,
        { cause: error },
      );
    }
  } else {
    signer = await ParticipantTokenSigner.generate();
  }
  let writer: DataFileWriter | undefined;
  const state = new LocalIvsState({ region, accountId, signer, onChange: () => writer?.schedule(), stageSessionLingerMs });
  if (persisted) state.restore(persisted);
  if (options.dataFile) {
    writer = new DataFileWriter(options.dataFile, () => state.snapshot());
    await writer.writeNow();
  }

  let modules: LocalModule[] = [];

  async function handleControlPlane(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): Promise<void> {
    const method = req.method ?? 'GET';
    let service = claimedService(req.headers);
    const read = await readBody(req, maxBodyBytes);
    if (!read.ok) {
      sendError(
        res,
        new AwsServiceError('RequestEntityTooLargeException', 413, `The request body exceeds ${maxBodyBytes} bytes; ivs-local control-plane requests are small JSON documents.`),
        service,
        { close: true },
      );
      return;
    }
    const verified = await verifySignature({ method, rawPath, rawQuery, headers: req.headers, body: read.body }, { credentials, region });
    service = verified.service;

    let handler: OperationHandler;
    let resourceArn: string | undefined;
    if (rawPath.startsWith('/tags/')) {
      const label = rawPath.slice('/tags/'.length);
      if (label === '' || label.includes('/') || !['GET', 'POST', 'DELETE'].includes(method)) throw unknownOperation(service, method, rawPath);
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
      handler = found;
    }

    let input: Record<string, unknown> = {};
    if (method === 'POST' && read.body.length > 0) {
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
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(read.body);
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
      input = parsed as Record<string, unknown>;
    }
    const result = await handler({
      state,
      input: new Fields(input),
      query: new URLSearchParams(rawQuery),
      ...(resourceArn !== undefined ? { resourceArn } : {}),
      now: new Date(),
    });
    sendJson(res, result.status ?? 200, result.body);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = requestId();
    res.setHeader('x-amzn-RequestId', id);
    setCorsHeaders(req, res);
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q === -1 ? target : target.slice(0, q);
    const rawQuery = q === -1 ? '' : target.slice(q + 1);
    let service = claimedService(req.headers);
    try {
      const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      if (isControlPlanePath(rawPath)) {
        if (isPreflight) return answerPreflight(req, res);
        await handleControlPlane(req, res, rawPath, rawQuery);
        return;
      }
      let url: URL;
      try {
        url = new URL(target, 'http://ivs-local');
      } catch {
        throw new AwsServiceError('BadRequestException', 400, 'The request target is not a valid URL path.');
      }
      if (url.pathname === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end(req.method === 'HEAD' ? undefined : JSON.stringify({ status: 'ok', version: IVS_LOCAL_VERSION }));
        return;
      }
      for (const module of modules) {
        if (module.handleRequest && (await module.handleRequest(req, res, url))) return;
      }
      if (isPreflight) return answerPreflight(req, res);
      req.resume();
      service = undefined;
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
      console.error(`[ivs-local] ${req.method} ${rawPath} (request ${id}) failed:`, error);
      if (!res.headersSent) sendError(res, AwsServiceError.internal(), service);
      else res.destroy();
    }
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'http://ivs-local');
      for (const module of modules) {
        if (module.handleUpgrade?.(req, socket, head, url)) return;
      }
      writeRawError(socket, 404, 'NotFoundException', `No WebSocket endpoint at ${url.pathname.slice(0, 120)}.`, requestId());
    } catch (error) {
      console.error('[ivs-local] WebSocket upgrade failed:', error);
      writeRawError(socket, 500, 'InternalServerException', 'The WebSocket upgrade failed inside ivs-local.', requestId());
    }
  }

  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const server: Server = createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(15_000, requestTimeout),
      // Longer than the AWS SDK's idle keep-alive use, so a reused socket is not closed under a request.
      keepAliveTimeout: 65_000,
      // How often Node checks the two timeouts above (its default, 30 s, would let slow clients linger).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(requestTimeout / 4))),
    },
    (req, res) => {
      void handleRequest(req, res);
    },
  );
  server.on('upgrade', handleUpgrade);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const type = status === 431 ? 'RequestHeaderFieldsTooLargeException' : status === 408 ? 'RequestTimeoutException' : 'BadRequestException';
    writeRawError(socket, status, type, `The HTTP request could not be parsed (${error.code ?? error.message}).`, requestId());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard listen address is not a URL clients can use: advertise loopback instead.
  const advertised = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const origin = advertised.includes(':') ? `[${advertised}]:${port}` : `${advertised}:${port}`;
  state.url = `http://${origin}`;
  state.wsUrl = `ws://${origin}`;

  const context: LocalModuleContext = { hub: state, url: state.url, wsUrl: state.wsUrl, region, accountId };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const mounted = modules;
      modules = [];
      for (const module of mounted.reverse()) {
        try {
          await module.close?.();
        } catch (error) {
          console.error('[ivs-local] a module failed to close:', error);
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      state.endLingeringSessions();
      await writer?.flush();
    })();
    return closing;
  };

  try {
    for (const factory of options.modules ?? defaultModules) modules.push(await factory(context));
  } catch (error) {
    await close();
    throw error;
  }

  return {
    url: state.url,
    wsUrl: state.wsUrl,
    port,
    region,
    accountId,
    get credentials() {
      return { ...credentials };
    },
    hub: state,
    dataFile: options.dataFile,
    close,
  };
}
