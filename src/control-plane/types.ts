/**
 * The control plane: everything that needs AWS authority (minting tokens, creating and deleting
 * stages and chat rooms). Three implementations ship:
 *
 * - `SigV4ControlPlane` (`aws-ivs-realtime/sigv4`): signs AWS calls where it runs. Development only
 *   when it runs in a browser: it needs AWS credentials there.
 * - `HttpControlPlane` (`aws-ivs-realtime`): calls your backend, which serves the REST contract with
 *   `createControlPlaneHandler` (`aws-ivs-realtime/server`). The production choice.
 * - Your own class implementing {@link ControlPlane}.
 *
 * The region is fixed when a control plane is constructed, never passed per call.
 */

export type ParticipantCapability = 'PUBLISH' | 'SUBSCRIBE';
export type ChatCapability = 'SEND_MESSAGE' | 'DELETE_MESSAGE' | 'DISCONNECT_USER';

/** Options every call accepts. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface StageEndpoints {
  events?: string;
  whip?: string;
  rtmp?: string;
  rtmps?: string;
}

export interface StageSummary {
  arn: string;
  /** The last segment of the ARN. */
  id: string;
  name: string;
  /** Set while someone is in the stage. */
  activeSessionId: string | undefined;
  tags: Record<string, string>;
}

export interface StageDetails extends StageSummary {
  endpoints: StageEndpoints;
}

export interface CreateStageInput {
  /** 0–128 characters of `[a-zA-Z0-9-_]`. */
  name?: string;
  /** At most 50 tags; keys 1–128 characters, values 0–256. */
  tags?: Record<string, string>;
}

export interface MintParticipantTokenInput {
  stageArn: string;
  /** ≤ 128 characters; visible to every participant (no PII). */
  userId?: string;
  /** ≤ 1 KB in total; visible to every participant (no PII). */
  attributes?: Record<string, string>;
  /** Default: both. */
  capabilities?: ParticipantCapability[];
  /** 1–20160 minutes; default 720. */
  durationMinutes?: number;
}

export interface ParticipantTokenResult {
  token: string;
  participantId: string;
  expirationTime: Date;
  userId: string | undefined;
  capabilities: ParticipantCapability[];
}

export interface DisconnectParticipantInput {
  stageArn: string;
  participantId: string;
  /** ≤ 128 characters. */
  reason?: string;
}

export interface CreateChatRoomInput {
  /** 0–128 characters of `[a-zA-Z0-9-_]`. */
  name?: string;
  /** 1–500; default 500. */
  maximumMessageLength?: number;
  /** 1–100; default 10. */
  maximumMessageRatePerSecond?: number;
  tags?: Record<string, string>;
}

export interface ChatRoomSummary {
  arn: string;
  id: string;
  name: string;
  maximumMessageLength: number;
  maximumMessageRatePerSecond: number;
  tags: Record<string, string>;
}

export interface MintChatTokenInput {
  roomArn: string;
  /** 1–128 characters. */
  userId: string;
  /** ≤ 1 KB in total. */
  attributes?: Record<string, string>;
  /** Default: none (read-only). */
  capabilities?: ChatCapability[];
  /** 1–180 minutes; default 60. */
  sessionDurationMinutes?: number;
}

export interface ChatTokenResult {
  token: string;
  tokenExpirationTime: Date;
  sessionExpirationTime: Date;
  /**
   * The user the token was minted for (a backend's `authorize` may have replaced the one asked
   * for). Passed on to ChatSession by a `tokenProvider` that returns this result, it lets the
   * session recognise a kick of its own user exactly. Absent when a backend does not send it.
   */
  userId?: string;
}

/** What a control plane can do. Every method validates its input before any network call. */
export interface ControlPlane {
  readonly region: string;
  mintParticipantToken(input: MintParticipantTokenInput, options?: CallOptions): Promise<ParticipantTokenResult>;
  /** All stages, every page fetched. */
  listStages(options?: CallOptions): Promise<StageSummary[]>;
  createStage(input?: CreateStageInput, options?: CallOptions): Promise<StageDetails>;
  getStage(stageArn: string, options?: CallOptions): Promise<StageDetails>;
  deleteStage(stageArn: string, options?: CallOptions): Promise<void>;
  disconnectParticipant(input: DisconnectParticipantInput, options?: CallOptions): Promise<void>;
  createChatRoom(input?: CreateChatRoomInput, options?: CallOptions): Promise<ChatRoomSummary>;
  deleteChatRoom(roomArn: string, options?: CallOptions): Promise<void>;
  mintChatToken(input: MintChatTokenInput, options?: CallOptions): Promise<ChatTokenResult>;
}

/** Headers to add to every request, or a function returning them (called per request). */
export type HttpControlPlaneHeaders =
  | Record<string, string>
  | (() => Record<string, string> | Promise<Record<string, string>>);

/**
 * What an `HttpControlPlane` hands its request module (loaded on the first call) with every call:
 * its validated options. Declared here so that both halves import it and neither imports the other.
 */
export interface HttpRequestConfig {
  baseUrl: string;
  headers: HttpControlPlaneHeaders | undefined;
  credentials: RequestCredentials | undefined;
  timeoutMs: number;
  fetch: typeof fetch | undefined;
}
