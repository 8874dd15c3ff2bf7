/**
 * The requests of {@link HttpControlPlane}: input validation, the fetch with its timeout and abort
 * handling, and the reading of answers and errors. Imported on the first call of an
 * `HttpControlPlane` method, so that a page pays for it only once it talks to its backend.
 */
import { AbortedError, ControlPlaneError, TimeoutError, ValidationError, messageOf } from '../core/errors';
import {
  REST_ROUTES,
  RestShapeError,
  chatRoomFromJson,
  chatTokenFromJson,
  participantTokenFromJson,
  restPath,
  stageDetailsFromJson,
  stageListFromJson,
  type ControlPlaneOperation,
} from './rest-contract';
import { retryAfterSeconds } from './retry-after';
import type { CallOptions, HttpRequestConfig, StageDetails } from './types';
import {
  validateCreateChatRoomInput,
  validateCreateStageInput,
  validateDisconnectParticipantInput,
  validateMintChatTokenInput,
  validateMintParticipantTokenInput,
  validateRoomArn,
  validateStageArn,
} from './validation';

export type { HttpRequestConfig } from './types';

interface SendOptions {
  arn?: string;
  body?: unknown;
  signal: AbortSignal | undefined;
}

/** How each operation turns its input into a request and its answer into a result. */
interface OperationSpec {
  /** Validates the input (throws a ValidationError naming the field); returns the ARN of the path and the body. */
  request(input: unknown): { arn?: string; body?: unknown };
  /** Reads the JSON answer; absent for operations answered with 204. */
  read?(json: unknown): unknown;
}

function withArn<T extends object>(validate: (input: unknown) => T, key: keyof T & string) {
  return (input: unknown) => {
    const { [key]: arn, ...body } = validate(input) as Record<string, unknown>;
    return { arn: arn as string, body };
  };
}

const OPERATIONS: Record<ControlPlaneOperation, OperationSpec> = {
  listStages: { request: () => ({}), read: stageListFromJson },
  createStage: { request: (input) => ({ body: validateCreateStageInput(input) }), read: readStage },
  getStage: { request: (arn) => ({ arn: validateStageArn(arn) }), read: readStage },
  deleteStage: { request: (arn) => ({ arn: validateStageArn(arn) }) },
  mintParticipantToken: {
    request: withArn(validateMintParticipantTokenInput, 'stageArn'),
    read: (json) => participantTokenFromJson(field(json, 'participantToken')),
  },
  disconnectParticipant: { request: withArn(validateDisconnectParticipantInput, 'stageArn') },
  createChatRoom: { request: (input) => ({ body: validateCreateChatRoomInput(input) }), read: (json) => chatRoomFromJson(field(json, 'room')) },
  deleteChatRoom: { request: (arn) => ({ arn: validateRoomArn(arn) }) },
  mintChatToken: { request: withArn(validateMintChatTokenInput, 'roomArn'), read: (json) => chatTokenFromJson(field(json, 'chatToken')) },
};

/**
 * Runs one operation: validates `input` before anything is sent, sends the request and reads the
 * answer; a body of the wrong shape becomes a `ControlPlaneError` (`InvalidResponse`).
 */
export async function callOperation(config: HttpRequestConfig, operation: ControlPlaneOperation, input: unknown, options: CallOptions | undefined): Promise<unknown> {
  const spec = OPERATIONS[operation];
  const { arn, body } = spec.request(input);
  const json = await send(config, operation, { arn, body, signal: options?.signal });
  if (!spec.read) return undefined;
  try {
    return spec.read(json);
  } catch (error) {
    if (error instanceof RestShapeError) {
      throw new ControlPlaneError({
        operation,
        errorName: 'InvalidResponse',
        message: `The backend answered with an unexpected body (${error.message}). Check that it serves the aws-ivs-realtime REST contract.`,
        retryable: false,
        cause: error,
      });
    }
    throw error;
  }
}

/** Sends one request; resolves with the parsed JSON body (undefined for 204). */
async function send(config: HttpRequestConfig, operation: ControlPlaneOperation, { arn, body, signal }: SendOptions): Promise<unknown> {
  if (signal?.aborted) throw new AbortedError(`${operation} was aborted before it was sent.`, { cause: signal.reason });
  const route = REST_ROUTES[operation];
  const url = config.baseUrl + restPath(operation, arn);
  const fetchImpl = config.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new ControlPlaneError({
      operation,
      errorName: 'NetworkError',
      message: 'No fetch implementation is available. Pass the `fetch` option.',
      retryable: false,
    });
  }

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const failure = (cause: unknown): Error => {
    if (timedOut) return new TimeoutError(`${operation} (${route.method} ${url})`, config.timeoutMs);
    if (signal?.aborted) return new AbortedError(`${operation} was aborted.`, { cause: signal.reason });
    return new ControlPlaneError({
      operation,
      errorName: 'NetworkError',
      message: `The request to ${url} failed: ${messageOf(cause)}`,
      retryable: true,
      cause,
    });
  };

  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    const extra = typeof config.headers === 'function' ? await config.headers() : config.headers;
    if (controller.signal.aborted) throw failure(undefined);
    Object.assign(headers, extra);
    const init: RequestInit = { method: route.method, headers, signal: controller.signal };
    if (route.method === 'POST') {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body ?? {});
    }
    if (config.credentials !== undefined) init.credentials = config.credentials;

    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, init);
      text = await response.text();
    } catch (cause) {
      throw failure(cause);
    }
    const requestId = response.headers.get('x-request-id') ?? undefined;

    let json: unknown;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new ControlPlaneError({
          operation,
          errorName: response.ok ? 'InvalidResponse' : `HTTP${response.status}`,
          message: response.ok
            ? 'The backend answered with a body that is not JSON.'
            : `The backend answered ${response.status} ${response.statusText} without a JSON error body.`,
          status: response.status,
          requestId,
          cause,
        });
      }
    }

    if (!response.ok) throw errorFromResponse(operation, response, json, requestId);
    return json;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function readStage(json: unknown): StageDetails {
  return stageDetailsFromJson(field(json, 'stage'));
}

function field(json: unknown, key: string): unknown {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[key] : undefined;
}

function errorFromResponse(operation: ControlPlaneOperation, response: Response, json: unknown, headerRequestId: string | undefined): Error {
  const error = field(json, 'error');
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const name = typeof record['name'] === 'string' ? record['name'] : `HTTP${response.status}`;
  const message = typeof record['message'] === 'string' ? record['message'] : `${response.status} ${response.statusText}`.trim();
  const requestId = typeof record['requestId'] === 'string' ? record['requestId'] : headerRequestId;
  if (name === 'ValidationError' && typeof record['field'] === 'string') {
    return new ValidationError(record['field'], message);
  }
  const retryAfter = response.headers.get('retry-after');
  return new ControlPlaneError({
    operation,
    errorName: name,
    message: retryAfter ? `${message} (retry after ${retryAfter} s)` : message,
    status: response.status,
    requestId,
    retryAfterSeconds: retryAfterSeconds(retryAfter),
  });
}
