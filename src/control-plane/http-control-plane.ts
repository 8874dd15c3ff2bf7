/**
 * `HttpControlPlane`: the production control plane for browsers. It holds no AWS credentials; it
 * calls your backend, which serves the REST contract (`docs/control-plane-rest.md`) with
 * `createControlPlaneHandler` from `aws-ivs-realtime/server` and decides who may do what.
 *
 * This module is the part an app loads with the package (options and their checks). The requests
 * themselves (`http-requests.ts`: input validation, fetch, answers) are imported on the first call.
 */
import { LoadError, ValidationError } from '../core/errors';
import { chunkLoadFailure, loadOnce } from '../core/load-once';
import type * as Requests from './http-requests';
import type { ControlPlaneOperation } from './rest-contract';
import type {
  HttpControlPlaneHeaders,
  HttpRequestConfig,
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
import { validateRegion } from '../core/checks';

export type { HttpControlPlaneHeaders } from './types';

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

const loadRequests = loadOnce(
  (): Promise<typeof Requests> => import('./http-requests'),
  (error, operation: ControlPlaneOperation) =>
    new LoadError("HttpControlPlane's request module", chunkLoadFailure(`HttpControlPlane's request module (for ${operation})`, error, 'then call again'), { cause: error }),
);

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
  readonly #config: HttpRequestConfig;

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
    this.#config = {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: options.headers,
      credentials: options.credentials,
      timeoutMs,
      fetch: options.fetch,
    };
  }

  /** {@inheritDoc ControlPlane.listStages} */
  listStages(options?: CallOptions): Promise<StageSummary[]> {
    return this.#call('listStages', undefined, options);
  }

  createStage(input?: CreateStageInput, options?: CallOptions): Promise<StageDetails> {
    return this.#call('createStage', input, options);
  }

  getStage(stageArn: string, options?: CallOptions): Promise<StageDetails> {
    return this.#call('getStage', stageArn, options);
  }

  deleteStage(stageArn: string, options?: CallOptions): Promise<void> {
    return this.#call('deleteStage', stageArn, options);
  }

  mintParticipantToken(input: MintParticipantTokenInput, options?: CallOptions): Promise<ParticipantTokenResult> {
    return this.#call('mintParticipantToken', input, options);
  }

  disconnectParticipant(input: DisconnectParticipantInput, options?: CallOptions): Promise<void> {
    return this.#call('disconnectParticipant', input, options);
  }

  createChatRoom(input?: CreateChatRoomInput, options?: CallOptions): Promise<ChatRoomSummary> {
    return this.#call('createChatRoom', input, options);
  }

  deleteChatRoom(roomArn: string, options?: CallOptions): Promise<void> {
    return this.#call('deleteChatRoom', roomArn, options);
  }

  mintChatToken(input: MintChatTokenInput, options?: CallOptions): Promise<ChatTokenResult> {
    return this.#call('mintChatToken', input, options);
  }

  /** Validates the input and sends the request (nothing is sent when the input is invalid). */
  async #call<T>(operation: ControlPlaneOperation, input: unknown, options: CallOptions | undefined): Promise<T> {
    const requests = await loadRequests(operation);
    return (await requests.callOperation(this.#config, operation, input, options)) as T;
  }
}
