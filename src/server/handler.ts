/**
 * `createControlPlaneHandler`: serves the REST contract of `HttpControlPlane`
 * (`docs/control-plane-rest.md`) from your backend, on top of any {@link ControlPlane} (usually a
 * `SigV4ControlPlane` holding the server's AWS credentials). Fetch-standard
 * (`(Request) => Promise<Response>`): Next.js route handlers, Hono, Deno, Bun, Cloudflare Workers
 * directly; Node `http` and Express through {@link toNodeListener}.
 *
 * Every request is routed, its body parsed (size-capped), its input validated, then handed to your
 * `authorize` hook, which decides per operation and caller and may rewrite the input. AWS internals
 * never leak: 4xx service errors pass on their name and message only; 5xx and unexpected failures
 * become a generic message plus a request id that your `onError` hook can log.
 */
import { isIvsRealtimeError, ValidationError, type ControlPlaneError } from '../core/errors';
import { HttpFailure, decodeSegment, matchRoute, normalizeBasePath, readJsonBody } from './request';
import {
  REST_ROUTES,
  chatTokenToJson,
  participantTokenToJson,
  stageToJson,
  type ControlPlaneOperation,
  type RestErrorBody,
} from '../control-plane/rest-contract';
import type {
  ControlPlane,
  CreateChatRoomInput,
  CreateStageInput,
  DisconnectParticipantInput,
  MintChatTokenInput,
  MintParticipantTokenInput,
} from '../control-plane/types';
import {
  validateCreateChatRoomInput,
  validateCreateStageInput,
  validateDisconnectParticipantInput,
  validateMintChatTokenInput,
  validateMintParticipantTokenInput,
  validateRoomArn,
  validateStageArn,
} from '../control-plane/validation';

export type { ControlPlaneOperation } from '../control-plane/rest-contract';

/** The validated input of each operation, as `authorize` sees it. */
export interface OperationInputs {
  listStages: Record<string, never>;
  createStage: CreateStageInput;
  getStage: { stageArn: string };
  deleteStage: { stageArn: string };
  mintParticipantToken: MintParticipantTokenInput;
  disconnectParticipant: DisconnectParticipantInput;
  createChatRoom: CreateChatRoomInput;
  deleteChatRoom: { roomArn: string };
  mintChatToken: MintChatTokenInput;
}

/** What `authorize` receives: the operation, the caller's request, and the validated input. */
export type AuthorizeContext = {
  [K in ControlPlaneOperation]: {
    operation: K;
    /** The incoming request (read headers/cookies from it; its body has been consumed). */
    request: Request;
    /** The validated input. Do not mutate it: return overrides instead. */
    input: Readonly<OperationInputs[K]>;
  };
}[ControlPlaneOperation];

/**
 * `true`: allow as requested. `false`: deny (403 `AccessDenied`). An object: allow, with these
 * fields replacing the caller's (e.g. `{ capabilities: ['SUBSCRIBE'], userId: session.userId }`);
 * the merged input is validated again.
 */
export type AuthorizeResult = boolean | Partial<OperationInputs[ControlPlaneOperation]>;

/** Decides, per operation and caller, whether a request may proceed and with which input. */
export type Authorize = (context: AuthorizeContext) => AuthorizeResult | Promise<AuthorizeResult>;

/** What `onError` receives: every 5xx, with the id sent to the caller. Log it server-side. */
export interface ControlPlaneHandlerErrorEvent {
  error: unknown;
  operation: ControlPlaneOperation | undefined;
  requestId: string;
  status: number;
}

/** Options of {@link createControlPlaneHandler}. */
export interface ControlPlaneHandlerOptions {
  /** Does the work, e.g. `new SigV4ControlPlane({ region })` with the server's credentials. */
  controlPlane: ControlPlane;
  /** Required: decides per operation and caller. Deny by default for anything you do not expect. */
  authorize: Authorize;
  /** Path prefix the handler is mounted at, e.g. `/api/ivs`. Default `''`. */
  basePath?: string;
  /** Largest accepted request body, in bytes. Default 65536. Larger → 413. */
  maxBodyBytes?: number;
  /**
   * Called for every failure answered with a 5xx (AWS 5xx, AWS access errors caused by the
   * server's own credentials, exceptions thrown by `authorize`, bugs). Default: `console.error`
   * with the request id and operation.
   */
  onError?: (event: ControlPlaneHandlerErrorEvent) => void;
}

/** A fetch-standard request handler. */
export type ControlPlaneHandler = (request: Request) => Promise<Response>;

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

function validateInput(operation: ControlPlaneOperation, raw: Record<string, unknown>): OperationInputs[ControlPlaneOperation] {
  switch (operation) {
    case 'listStages':
      return {};
    case 'createStage':
      return validateCreateStageInput(raw);
    case 'getStage':
    case 'deleteStage':
      return { stageArn: validateStageArn(raw['stageArn']) };
    case 'mintParticipantToken':
      return validateMintParticipantTokenInput(raw);
    case 'disconnectParticipant':
      return validateDisconnectParticipantInput(raw);
    case 'createChatRoom':
      return validateCreateChatRoomInput(raw);
    case 'deleteChatRoom':
      return { roomArn: validateRoomArn(raw['roomArn']) };
    case 'mintChatToken':
      return validateMintChatTokenInput(raw);
  }
}

async function execute(controlPlane: ControlPlane, operation: ControlPlaneOperation, input: object, signal: AbortSignal): Promise<unknown> {
  const options = { signal };
  switch (operation) {
    case 'listStages':
      return { stages: (await controlPlane.listStages(options)).map(stageToJson) };
    case 'createStage':
      return { stage: stageToJson(await controlPlane.createStage(input as CreateStageInput, options)) };
    case 'getStage':
      return { stage: stageToJson(await controlPlane.getStage((input as { stageArn: string }).stageArn, options)) };
    case 'deleteStage':
      await controlPlane.deleteStage((input as { stageArn: string }).stageArn, options);
      return undefined;
    case 'mintParticipantToken':
      return { participantToken: participantTokenToJson(await controlPlane.mintParticipantToken(input as MintParticipantTokenInput, options)) };
    case 'disconnectParticipant':
      await controlPlane.disconnectParticipant(input as DisconnectParticipantInput, options);
      return undefined;
    case 'createChatRoom':
      return { room: await controlPlane.createChatRoom(input as CreateChatRoomInput, options) };
    case 'deleteChatRoom':
      await controlPlane.deleteChatRoom((input as { roomArn: string }).roomArn, options);
      return undefined;
    case 'mintChatToken':
      return { chatToken: chatTokenToJson(await controlPlane.mintChatToken(input as MintChatTokenInput, options)) };
  }
}

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  // Responses carry tokens: never cache them anywhere.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function json(status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): Response {
  const headers = { ...BASE_HEADERS, 'x-request-id': requestId, ...extra };
  if (body === undefined) {
    const { 'content-type': _, ...rest } = headers;
    return new Response(null, { status, headers: rest });
  }
  return new Response(JSON.stringify(body), { status, headers });
}

function errorResponse(status: number, error: RestErrorBody['error'], requestId: string, extra?: Record<string, string>): Response {
  return json(status, { error }, requestId, extra);
}

/** The message of a ControlPlaneError without the `<operation> failed: <name>: ` prefix. */
function serviceMessage(error: ControlPlaneError): string {
  const prefix = `${error.operation} failed: ${error.errorName}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** The message of a ValidationError without the `<field>: ` prefix. */
function validationMessage(error: ValidationError): string {
  const prefix = `${error.field}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/**
 * The `Retry-After` of a throttled call: the seconds the service asked for when it said (a whole
 * number, at least 1), else 1.
 */
function retryAfterOf(error: { retryAfterSeconds?: number | undefined }): number {
  const seconds = error.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 1;
}

/** Service errors whose 4xx status describes the caller's request (safe and useful to pass on). */
const CLIENT_ERROR_STATUS: Readonly<Record<string, number>> = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
};

/**
 * Creates the fetch-standard handler serving the control-plane REST contract.
 *
 * @example
 * ```ts
 * // app/api/ivs/[...path]/route.ts (Next.js)
 * const handler = createControlPlaneHandler({
 *   controlPlane: new SigV4ControlPlane({ region: 'us-east-1' }),
 *   basePath: '/api/ivs',
 *   async authorize({ operation, request, input }) {
 *     const user = await getUser(request);
 *     if (!user) return false;
 *     if (operation === 'mintParticipantToken') {
 *       return user.isHost ? { userId: user.id } : { userId: user.id, capabilities: ['SUBSCRIBE'] };
 *     }
 *     if (operation === 'mintChatToken') return { userId: user.id, capabilities: ['SEND_MESSAGE'] };
 *     return user.isAdmin;
 *   },
 * });
 * export { handler as GET, handler as POST, handler as DELETE };
 * ```
 */
export function createControlPlaneHandler(options: ControlPlaneHandlerOptions): ControlPlaneHandler {
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected { controlPlane, authorize }.');
  const { controlPlane, authorize } = options;
  if (typeof controlPlane !== 'object' || controlPlane === null || typeof controlPlane.mintParticipantToken !== 'function') {
    throw new ValidationError('controlPlane', 'is required: a ControlPlane such as new SigV4ControlPlane({ region }).');
  }
  if (typeof authorize !== 'function') {
    throw new ValidationError(
      'authorize',
      'is required: a function deciding who may call each operation (return true, false, or input overrides).',
    );
  }
  const basePath = normalizeBasePath(options.basePath);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new ValidationError('maxBodyBytes', `must be a positive whole number of bytes, got ${String(maxBodyBytes)}.`);
  }
  const onError =
    options.onError ??
    ((event: ControlPlaneHandlerErrorEvent) => {
      const error = event.error;
      const summary = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      console.error(`[aws-ivs-realtime] ${event.operation ?? 'request'} failed (${event.status}, requestId ${event.requestId}): ${summary}`);
    });

  const serverError = (
    error: unknown,
    operation: ControlPlaneOperation | undefined,
    requestId: string,
    status = 500,
    name = 'InternalError',
    message = 'The control plane could not complete the request. Try again later.',
  ): Response => {
    try {
      onError({ error, operation, requestId, status });
    } catch {
      // A failing logger must not turn a 500 into an unhandled rejection.
    }
    return errorResponse(status, { name, message, requestId }, requestId);
  };

  return async function handleControlPlaneRequest(request: Request): Promise<Response> {
    const requestId = crypto.randomUUID();
    let operation: ControlPlaneOperation | undefined;
    try {
      const url = new URL(request.url);
      let path = url.pathname;
      if (basePath !== '') {
        if (path !== basePath && !path.startsWith(basePath + '/')) {
          throw new HttpFailure(404, 'NotFound', 'No control-plane operation is served at this path.');
        }
        path = path.slice(basePath.length);
      }
      const segments = path.split('/').filter((segment, index) => index > 0 || segment !== '');
      if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
      const method = request.method.toUpperCase();
      const route = matchRoute(method, segments);
      operation = route.operation;

      const raw: Record<string, unknown> = {};
      if (REST_ROUTES[operation].method === 'POST') {
        const body = await readJsonBody(request, maxBodyBytes);
        if (body !== undefined) {
          if (typeof body !== 'object' || body === null || Array.isArray(body)) {
            throw new ValidationError('body', 'expected a JSON object.');
          }
          for (const key of ['stageArn', 'roomArn']) {
            if (key in body) throw new ValidationError(key, 'is taken from the URL path; do not send it in the body.');
          }
          Object.assign(raw, body);
        }
      }
      if (route.arn !== undefined) {
        const arn = decodeSegment(route.arn);
        if (segments[0] === 'chat-rooms') raw['roomArn'] = arn;
        else raw['stageArn'] = arn;
      }
      const input = validateInput(operation, raw);

      let decision: AuthorizeResult;
      try {
        decision = await authorize({ operation, request, input } as AuthorizeContext);
      } catch (error) {
        return serverError(error, operation, requestId);
      }
      let finalInput: object = input;
      if (decision === false) {
        throw new HttpFailure(403, 'AccessDenied', 'You are not allowed to perform this operation.');
      } else if (typeof decision === 'object' && decision !== null) {
        try {
          finalInput = validateInput(operation, { ...input, ...decision } as Record<string, unknown>);
        } catch (error) {
          // The overrides come from the server's own authorize(): a bug there is not the caller's fault.
          return serverError(error, operation, requestId);
        }
      } else if (decision !== true) {
        return serverError(
          new TypeError(`authorize() must return true, false or an object of overrides; got ${typeof decision}.`),
          operation,
          requestId,
        );
      }

      const result = await execute(controlPlane, operation, finalInput, request.signal);
      return json(REST_ROUTES[operation].status, result, requestId);
    } catch (error) {
      if (error instanceof HttpFailure) {
        return errorResponse(error.status, { name: error.errorName, message: error.message }, requestId, error.headers);
      }
      // Errors are recognised by their brand and code, not by class identity: the control plane may
      // come from another copy of the package (another bundle, another entry built apart).
      if (isIvsRealtimeError(error, 'VALIDATION')) {
        return errorResponse(400, { name: 'ValidationError', message: validationMessage(error), field: error.field }, requestId);
      }
      if (isIvsRealtimeError(error, 'CONTROL_PLANE')) {
        const status = CLIENT_ERROR_STATUS[error.errorName];
        if (status !== undefined) {
          const extra: Record<string, string> = status === 429 ? { 'retry-after': String(retryAfterOf(error)) } : {};
          return errorResponse(status, { name: error.errorName, message: serviceMessage(error) }, requestId, extra);
        }
        // AWS 5xx, network failures, and access errors caused by the server's own credentials.
        const upstreamRequestId = error.requestId;
        return serverError(
          error,
          operation,
          requestId,
          error.status !== undefined && error.status >= 500 ? 502 : 500,
          'InternalError',
          upstreamRequestId
            ? `The control plane could not complete the request (upstream request ${upstreamRequestId}). Try again later.`
            : undefined,
        );
      }
      if (isIvsRealtimeError(error, 'TIMEOUT')) {
        return serverError(error, operation, requestId, 504, 'GatewayTimeout', 'The control plane did not answer in time. Try again later.');
      }
      if (isIvsRealtimeError(error, 'ABORTED') || request.signal.aborted) {
        // The caller went away; nobody reads this answer.
        return errorResponse(499, { name: 'Aborted', message: 'The request was aborted.' }, requestId);
      }
      return serverError(error, operation, requestId);
    }
  };
}
