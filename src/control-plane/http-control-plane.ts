/**
 * `HttpControlPlane`: the production control plane for browsers. It holds no AWS credentials; it
 * calls your backend, which serves the REST contract (`docs/control-plane-rest.md`) with
 * `createControlPlaneHandler` from `aws-ivs-realtime/server` and decides who may do what.
 */
import { AbortedError, ControlPlaneError, TimeoutError, ValidationError } from '../core/errors';
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
import type {
  CallOptions,
  ChatRoomSummary,
  ChatTokenResult,
  ControlPlane,
  CreateChatRoomInput,
  CreateStageInput,
  DisconnectParticipantInput,
  MintChatTokenInput,
  MintParticipantTokenInput,
  ParticipantTokenResult,
  StageDetails,
  StageSummary,
} from './types';
import {
  validateCreateChatRoomInput,
  validateCreateStageInput,
  validateDisconnectParticipantInput,
  validateMintChatTokenInput,
  validateMintParticipantTokenInput,
  validateRegion,
  validateRoomArn,
  validateStageArn,
} from './validation';

/** Headers to add to every request, or a function returning them (called per request). */
export type HttpControlPlaneHeaders =
  | Record<string, string>
  | (() => Record<string, string> | Promise<Record<string, string>>);

/** Options of {@link HttpControlPlane}. */
export interface HttpControlPlaneOptions {
  /**
   * Where your backend mounts the handler, absolute (`https://api.example.com/ivs`) or relative to
   * the page (`/api/ivs`).
   */
  baseUrl: string;
  /** The AWS region your backend's stages and rooms live in (e.g. `us-east-1`). */
  region: string;
  /**
   * Auth hook: headers added to every request, e.g.
   * `async () => ({ authorization: \`Bearer ${await getSessionToken()}\` })`.
   */
  headers?: HttpControlPlaneHeaders;
  /** `fetch` credentials mode (`'include'` to send cookies cross-origin). Default: the fetch default (`'same-origin'`). */
  credentials?: RequestCredentials;
  /** Time limit per call, in ms, including reading the response. Default 15000. */
  timeoutMs?: number;
  /** A `fetch` implementation. Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 15_000;

interface SendOptions {
  arn?: string;
  body?: unknown;
  signal: AbortSignal | undefined;
}

/**
 * A {@link ControlPlane} that calls your backend over HTTPS (JSON). Every input is validated before
 * the request; server-side validation failures come back as {@link ValidationError} with the field,
 * everything else as {@link ControlPlaneError} (`errorName`, `status`, `requestId`, `retryable`).
 *
 * @example
 * ```ts
 * const controlPlane = new HttpControlPlane({
 *   baseUrl: '/api/ivs',
 *   region: 'us-east-1',
 *   headers: async () => ({ authorization: `Bearer ${await auth.getToken()}` }),
 * });
 * const { token } = await controlPlane.mintParticipantToken({ stageArn, capabilities: ['SUBSCRIBE'] });
 * ```
 */
export class HttpControlPlane implements ControlPlane {
  readonly region: string;
  readonly #baseUrl: string;
  readonly #headers: HttpControlPlaneHeaders | undefined;
  readonly #credentials: RequestCredentials | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch | undefined;

  constructor(options: HttpControlPlaneOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new ValidationError('options', 'expected { baseUrl, region }.');
    }
    if (typeof options.baseUrl !== 'string' || options.baseUrl.trim() === '') {
      throw new ValidationError('baseUrl', 'is required: the URL where your backend serves createControlPlaneHandler (e.g. "/api/ivs").');
    }
    this.region = validateRegion(options.region);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new ValidationError('timeoutMs', `must be a positive number of milliseconds, got ${String(timeoutMs)}.`);
    }
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new ValidationError('fetch', 'must be a fetch-compatible function.');
    }
    if (options.headers !== undefined && typeof options.headers !== 'function' && (typeof options.headers !== 'object' || options.headers === null)) {
      throw new ValidationError('headers', 'must be an object of header values or a function returning one.');
    }
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#headers = options.headers;
    this.#credentials = options.credentials;
    this.#timeoutMs = timeoutMs;
    this.#fetch = options.fetch;
  }

  /** {@inheritDoc ControlPlane.listStages} */
  async listStages(options?: CallOptions): Promise<StageSummary[]> {
    return this.#call('listStages', options, undefined, undefined, stageListFromJson);
  }

  async createStage(input?: CreateStageInput, options?: CallOptions): Promise<StageDetails> {
    return this.#call('createStage', options, undefined, validateCreateStageInput(input), readStage);
  }

  async getStage(stageArn: string, options?: CallOptions): Promise<StageDetails> {
    return this.#call('getStage', options, validateStageArn(stageArn), undefined, readStage);
  }

  async deleteStage(stageArn: string, options?: CallOptions): Promise<void> {
    await this.#call('deleteStage', options, validateStageArn(stageArn));
  }

  async mintParticipantToken(input: MintParticipantTokenInput, options?: CallOptions): Promise<ParticipantTokenResult> {
    const { stageArn, ...body } = validateMintParticipantTokenInput(input);
    return this.#call('mintParticipantToken', options, stageArn, body, (json) => participantTokenFromJson(field(json, 'participantToken')));
  }

  async disconnectParticipant(input: DisconnectParticipantInput, options?: CallOptions): Promise<void> {
    const { stageArn, ...body } = validateDisconnectParticipantInput(input);
    await this.#call('disconnectParticipant', options, stageArn, body);
  }

  async createChatRoom(input?: CreateChatRoomInput, options?: CallOptions): Promise<ChatRoomSummary> {
    return this.#call('createChatRoom', options, undefined, validateCreateChatRoomInput(input), (json) => chatRoomFromJson(field(json, 'room')));
  }

  async deleteChatRoom(roomArn: string, options?: CallOptions): Promise<void> {
    await this.#call('deleteChatRoom', options, validateRoomArn(roomArn));
  }

  async mintChatToken(input: MintChatTokenInput, options?: CallOptions): Promise<ChatTokenResult> {
    const { roomArn, ...body } = validateMintChatTokenInput(input);
    return this.#call('mintChatToken', options, roomArn, body, (json) => chatTokenFromJson(field(json, 'chatToken')));
  }

  /**
   * Sends one request and reads its answer with `parse`; a body of the wrong shape becomes a
   * `ControlPlaneError` (`InvalidResponse`).
   */
  async #call<T>(
    operation: ControlPlaneOperation,
    options: CallOptions | undefined,
    arn?: string,
    body?: unknown,
    parse: (json: unknown) => T = () => undefined as T,
  ): Promise<T> {
    const json = await this.#send(operation, { arn, body, signal: options?.signal });
    try {
      return parse(json);
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
  async #send(operation: ControlPlaneOperation, { arn, body, signal }: SendOptions): Promise<unknown> {
    if (signal?.aborted) throw new AbortedError(`${operation} was aborted before it was sent.`, { cause: signal.reason });
    const route = REST_ROUTES[operation];
    const url = this.#baseUrl + restPath(operation, arn);
    const fetchImpl = this.#fetch ?? globalThis.fetch;
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
    }, this.#timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const failure = (cause: unknown): Error => {
      if (timedOut) return new TimeoutError(`${operation} (${route.method} ${url})`, this.#timeoutMs);
      if (signal?.aborted) return new AbortedError(`${operation} was aborted.`, { cause: signal.reason });
      return new ControlPlaneError({
        operation,
        errorName: 'NetworkError',
        message: `The request to ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        retryable: true,
        cause,
      });
    };

    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      const extra = typeof this.#headers === 'function' ? await this.#headers() : this.#headers;
      if (controller.signal.aborted) throw failure(undefined);
      Object.assign(headers, extra);
      const init: RequestInit = { method: route.method, headers, signal: controller.signal };
      if (route.method === 'POST') {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(body ?? {});
      }
      if (this.#credentials !== undefined) init.credentials = this.#credentials;

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
  });
}
