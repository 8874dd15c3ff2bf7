/**
 * `SigV4ControlPlane`: calls the IVS Real-Time and IVS Chat APIs directly with the AWS SDK v3,
 * signing with the credentials it is given. On a server (behind `createControlPlaneHandler`) this
 * is the production path; in a browser it is for development and prototypes only, because the page
 * then holds AWS credentials.
 */
import {
  CreateParticipantTokenCommand,
  CreateStageCommand,
  DeleteStageCommand,
  DisconnectParticipantCommand,
  GetStageCommand,
  IVSRealTimeClient,
  ListStagesCommand,
  type IVSRealTimeClientConfig,
} from '@aws-sdk/client-ivs-realtime';
import { CreateChatTokenCommand, CreateRoomCommand, DeleteRoomCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { AbortedError, TimeoutError, ValidationError } from '../core/errors';
import { IVS_CHAT_ROOM_DEFAULTS } from '../core/ivs-limits';
import { idFromArn, invalidResponse, toControlPlaneError, toStageDetails, toStageSummary } from './sigv4-answers';
import type { Logger } from '../core/logger';
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
  ParticipantCapability,
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

/** AWS credentials (an access key pair, plus a session token for temporary credentials). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When temporary credentials expire; the SDK asks the provider again before that. */
  readonly expiration?: Date;
}

/**
 * Credentials, or a function returning them (sync or async), called whenever the SDK needs them.
 * Any AWS SDK v3 `AwsCredentialIdentityProvider` (e.g. `fromCognitoIdentityPool(...)`) fits.
 */
export type AwsCredentialsOption = AwsCredentials | (() => AwsCredentials | Promise<AwsCredentials>);

/** Where {@link SigV4ControlPlane} reports warnings. */
export type SigV4Logger = Logger;

/** Options of {@link SigV4ControlPlane}. */
export interface SigV4ControlPlaneOptions {
  /** AWS region, e.g. `us-east-1`. */
  region: string;
  /**
   * Credentials or a credentials provider. Omit on a server to use the AWS SDK's default chain
   * (environment, shared config, instance/task role). Required in a browser.
   */
  credentials?: AwsCredentialsOption;
  /** One endpoint for both services, e.g. ivs-local's `url` (`http://127.0.0.1:4566`). */
  endpoint?: string;
  /** Endpoint of IVS Real-Time only (wins over `endpoint`). */
  realtimeEndpoint?: string;
  /** Endpoint of IVS Chat only (wins over `endpoint`). */
  chatEndpoint?: string;
  /** Time limit per call (all retries included), in ms. Default 15000. */
  timeoutMs?: number;
  /** SDK attempts per call (retries of throttling and 5xx). Default: the SDK's (3). */
  maxAttempts?: number;
  /** Page size used by `listStages()` while it fetches every page, 1–100. Default 100. */
  listStagesPageSize?: number;
  /** Receives the development-only warning. Default: `console`. Credentials are never logged. */
  logger?: SigV4Logger;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
let browserWarningShown = false;

/** Warns once per page when AWS credentials are used from a page that is not served locally. */
function warnIfPublicPage(logger: SigV4Logger): void {
  if (browserWarningShown) return;
  const location = (globalThis as { location?: { hostname?: unknown } }).location;
  if (location === undefined || location === null || typeof location.hostname !== 'string') return;
  if (LOCAL_HOSTNAMES.has(location.hostname.toLowerCase())) return;
  browserWarningShown = true;
  logger.warn?.(
    `[aws-ivs-realtime] SigV4ControlPlane is running in a page served from "${location.hostname}": ` +
      'it signs AWS requests in the browser, so the page holds AWS credentials. Use it for development only; ' +
      'in production use HttpControlPlane with createControlPlaneHandler on your backend.',
  );
}

function validateCredentials(value: unknown): IVSRealTimeClientConfig['credentials'] {
  if (value === undefined) return undefined;
  if (typeof value === 'function') {
    const provider = value as () => AwsCredentials | Promise<AwsCredentials>;
    return async () => {
      const credentials = await provider();
      checkCredentialShape(credentials);
      return credentials;
    };
  }
  checkCredentialShape(value);
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = value;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    ...(expiration === undefined ? {} : { expiration }),
  };
}

function checkCredentialShape(value: unknown): asserts value is AwsCredentials {
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  // Messages name the missing member only; credential values never appear in errors or logs.
  if (!record || typeof record['accessKeyId'] !== 'string' || record['accessKeyId'] === '') {
    throw new ValidationError('credentials.accessKeyId', 'is required: pass { accessKeyId, secretAccessKey } or a provider function.');
  }
  if (typeof record['secretAccessKey'] !== 'string' || record['secretAccessKey'] === '') {
    throw new ValidationError('credentials.secretAccessKey', 'is required: pass { accessKeyId, secretAccessKey } or a provider function.');
  }
  if (record['sessionToken'] !== undefined && typeof record['sessionToken'] !== 'string') {
    throw new ValidationError('credentials.sessionToken', 'must be a string when present.');
  }
}

function validateEndpoint(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a URL string such as "http://127.0.0.1:4566".');
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ValidationError(field, `must be an http(s) URL such as "http://127.0.0.1:4566", got "${value.slice(0, 80)}".`);
  }
  return value;
}

function positiveInteger(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `must be a whole number from ${min} to ${max}, got ${String(value)}.`);
  }
  return value;
}

/**
 * A {@link ControlPlane} that signs IVS Real-Time (`ivs`) and IVS Chat (`ivschat`) calls with
 * SigV4, using `IVSRealTimeClient` and `IvschatClient`. Failures become {@link ControlPlaneError}
 * with the AWS exception name, HTTP status and request id.
 *
 * @example
 * ```ts
 * import { startLocalIvs } from 'ivs-local';
 * const ivs = await startLocalIvs();
 * const controlPlane = new SigV4ControlPlane({ region: ivs.region, credentials: ivs.credentials, endpoint: ivs.url });
 * const stage = await controlPlane.createStage({ name: 'demo' });
 * ```
 */
export class SigV4ControlPlane implements ControlPlane {
  readonly region: string;
  readonly #realtime: IVSRealTimeClient;
  readonly #chat: IvschatClient;
  readonly #timeoutMs: number;
  readonly #pageSize: number;

  constructor(options: SigV4ControlPlaneOptions) {
    if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'expected { region, credentials?, endpoint? }.');
    this.region = validateRegion(options.region);
    const credentials = validateCredentials(options.credentials);
    const endpoint = validateEndpoint(options.endpoint, 'endpoint');
    const realtimeEndpoint = validateEndpoint(options.realtimeEndpoint, 'realtimeEndpoint') ?? endpoint;
    const chatEndpoint = validateEndpoint(options.chatEndpoint, 'chatEndpoint') ?? endpoint;
    this.#timeoutMs = positiveInteger(options.timeoutMs, 'timeoutMs', 1, 24 * 60 * 60 * 1000) ?? DEFAULT_TIMEOUT_MS;
    this.#pageSize = positiveInteger(options.listStagesPageSize, 'listStagesPageSize', 1, 100) ?? 100;
    const maxAttempts = positiveInteger(options.maxAttempts, 'maxAttempts', 1, 10);
    const logger = options.logger ?? console;
    if (typeof logger !== 'object' || logger === null) throw new ValidationError('logger', 'must be an object with debug/info/warn/error methods (each optional; `console` fits).');

    const common = {
      region: this.region,
      ...(credentials === undefined ? {} : { credentials }),
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
    };
    this.#realtime = new IVSRealTimeClient({ ...common, ...(realtimeEndpoint === undefined ? {} : { endpoint: realtimeEndpoint }) });
    this.#chat = new IvschatClient({ ...common, ...(chatEndpoint === undefined ? {} : { endpoint: chatEndpoint }) });
    warnIfPublicPage(logger);
  }

  async mintParticipantToken(input: MintParticipantTokenInput, options?: CallOptions): Promise<ParticipantTokenResult> {
    const valid = validateMintParticipantTokenInput(input);
    const output = await this.#call('mintParticipantToken', options, (abortSignal) =>
      this.#realtime.send(
        new CreateParticipantTokenCommand({
          stageArn: valid.stageArn,
          ...(valid.userId === undefined ? {} : { userId: valid.userId }),
          ...(valid.attributes === undefined ? {} : { attributes: valid.attributes }),
          ...(valid.capabilities === undefined ? {} : { capabilities: valid.capabilities }),
          ...(valid.durationMinutes === undefined ? {} : { duration: valid.durationMinutes }),
        }),
        { abortSignal },
      ),
    );
    const token = output.participantToken;
    if (!token?.token || !token.participantId || !token.expirationTime) {
      throw invalidResponse('mintParticipantToken', 'participantToken is missing token, participantId or expirationTime');
    }
    return {
      token: token.token,
      participantId: token.participantId,
      expirationTime: new Date(token.expirationTime),
      userId: token.userId ?? valid.userId,
      capabilities: (token.capabilities ?? valid.capabilities ?? ['PUBLISH', 'SUBSCRIBE']) as ParticipantCapability[],
    };
  }

  async listStages(options?: CallOptions): Promise<StageSummary[]> {
    const stages: StageSummary[] = [];
    const seenTokens = new Set<string>();
    let nextToken: string | undefined;
    do {
      const output = await this.#call('listStages', options, (abortSignal) =>
        this.#realtime.send(new ListStagesCommand({ maxResults: this.#pageSize, ...(nextToken ? { nextToken } : {}) }), { abortSignal }),
      );
      for (const stage of output.stages ?? []) stages.push(toStageSummary('listStages', stage));
      nextToken = output.nextToken || undefined;
      if (nextToken !== undefined) {
        // A service that hands back a token it already gave would loop forever.
        if (seenTokens.has(nextToken)) throw invalidResponse('listStages', 'the service repeated a pagination token');
        seenTokens.add(nextToken);
      }
    } while (nextToken !== undefined);
    return stages;
  }

  async createStage(input?: CreateStageInput, options?: CallOptions): Promise<StageDetails> {
    const valid = validateCreateStageInput(input);
    const output = await this.#call('createStage', options, (abortSignal) =>
      this.#realtime.send(
        new CreateStageCommand({
          ...(valid.name === undefined ? {} : { name: valid.name }),
          ...(valid.tags === undefined ? {} : { tags: valid.tags }),
        }),
        { abortSignal },
      ),
    );
    return toStageDetails('createStage', output.stage);
  }

  async getStage(stageArn: string, options?: CallOptions): Promise<StageDetails> {
    const arn = validateStageArn(stageArn);
    const output = await this.#call('getStage', options, (abortSignal) => this.#realtime.send(new GetStageCommand({ arn }), { abortSignal }));
    return toStageDetails('getStage', output.stage);
  }

  async deleteStage(stageArn: string, options?: CallOptions): Promise<void> {
    const arn = validateStageArn(stageArn);
    await this.#call('deleteStage', options, (abortSignal) => this.#realtime.send(new DeleteStageCommand({ arn }), { abortSignal }));
  }

  async disconnectParticipant(input: DisconnectParticipantInput, options?: CallOptions): Promise<void> {
    const valid = validateDisconnectParticipantInput(input);
    await this.#call('disconnectParticipant', options, (abortSignal) =>
      this.#realtime.send(
        new DisconnectParticipantCommand({
          stageArn: valid.stageArn,
          participantId: valid.participantId,
          ...(valid.reason === undefined ? {} : { reason: valid.reason }),
        }),
        { abortSignal },
      ),
    );
  }

  async createChatRoom(input?: CreateChatRoomInput, options?: CallOptions): Promise<ChatRoomSummary> {
    const valid = validateCreateChatRoomInput(input);
    const output = await this.#call('createChatRoom', options, (abortSignal) =>
      this.#chat.send(
        new CreateRoomCommand({
          ...(valid.name === undefined ? {} : { name: valid.name }),
          ...(valid.maximumMessageLength === undefined ? {} : { maximumMessageLength: valid.maximumMessageLength }),
          ...(valid.maximumMessageRatePerSecond === undefined ? {} : { maximumMessageRatePerSecond: valid.maximumMessageRatePerSecond }),
          ...(valid.tags === undefined ? {} : { tags: valid.tags }),
        }),
        { abortSignal },
      ),
    );
    if (!output.arn) throw invalidResponse('createChatRoom', 'the room ARN is missing');
    return {
      arn: output.arn,
      id: output.id ?? idFromArn(output.arn),
      name: output.name ?? valid.name ?? '',
      // CreateRoom's defaults (IVS Chat API reference): 500 code points, 10 messages per second.
      maximumMessageLength: output.maximumMessageLength ?? valid.maximumMessageLength ?? IVS_CHAT_ROOM_DEFAULTS.maximumMessageLength,
      maximumMessageRatePerSecond: output.maximumMessageRatePerSecond ?? valid.maximumMessageRatePerSecond ?? IVS_CHAT_ROOM_DEFAULTS.maximumMessageRatePerSecond,
      tags: { ...(output.tags ?? valid.tags ?? {}) },
    };
  }

  async deleteChatRoom(roomArn: string, options?: CallOptions): Promise<void> {
    const identifier = validateRoomArn(roomArn);
    await this.#call('deleteChatRoom', options, (abortSignal) => this.#chat.send(new DeleteRoomCommand({ identifier }), { abortSignal }));
  }

  async mintChatToken(input: MintChatTokenInput, options?: CallOptions): Promise<ChatTokenResult> {
    const valid = validateMintChatTokenInput(input);
    const output = await this.#call('mintChatToken', options, (abortSignal) =>
      this.#chat.send(
        new CreateChatTokenCommand({
          roomIdentifier: valid.roomArn,
          userId: valid.userId,
          ...(valid.attributes === undefined ? {} : { attributes: valid.attributes }),
          ...(valid.capabilities === undefined ? {} : { capabilities: valid.capabilities }),
          ...(valid.sessionDurationMinutes === undefined ? {} : { sessionDurationInMinutes: valid.sessionDurationMinutes }),
        }),
        { abortSignal },
      ),
    );
    if (!output.token || !output.tokenExpirationTime || !output.sessionExpirationTime) {
      throw invalidResponse('mintChatToken', 'token, tokenExpirationTime or sessionExpirationTime is missing');
    }
    return {
      token: output.token,
      tokenExpirationTime: new Date(output.tokenExpirationTime),
      sessionExpirationTime: new Date(output.sessionExpirationTime),
      userId: valid.userId,
    };
  }

  /** Releases the SDK clients' sockets. The instance cannot be used afterwards. */
  dispose(): void {
    this.#realtime.destroy();
    this.#chat.destroy();
  }

  /** Runs one SDK call under the caller's signal and the time limit, mapping every failure. */
  async #call<T>(operation: string, options: CallOptions | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = options?.signal;
    if (signal?.aborted) throw new AbortedError(`${operation} was aborted before it was sent.`, { cause: signal.reason });
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await run(controller.signal);
    } catch (error) {
      if (timedOut) throw new TimeoutError(operation, this.#timeoutMs);
      if (signal?.aborted) throw new AbortedError(`${operation} was aborted.`, { cause: signal.reason });
      // A credentials provider that returned a malformed value: say which member is wrong.
      if (error instanceof ValidationError) throw error;
      throw toControlPlaneError(operation, error);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
