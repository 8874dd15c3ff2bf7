/**
 * The REST contract between {@link HttpControlPlane} (browser) and `createControlPlaneHandler`
 * (your backend), shared by both sides so they cannot drift. Documented in
 * `docs/control-plane-rest.md`. Browser-safe: no Node or AWS SDK imports.
 */
import type {
  ChatRoomSummary,
  ChatTokenResult,
  ParticipantCapability,
  ParticipantTokenResult,
  StageDetails,
  StageSummary,
} from './types';

/** The operations of the {@link ControlPlane} interface, as named in the REST contract. */
export type ControlPlaneOperation =
  | 'listStages'
  | 'createStage'
  | 'getStage'
  | 'deleteStage'
  | 'mintParticipantToken'
  | 'disconnectParticipant'
  | 'createChatRoom'
  | 'deleteChatRoom'
  | 'mintChatToken';

/** Body of every error response: `{ "error": { name, message, field?, requestId? } }`. */
export interface RestErrorBody {
  error: {
    /** `ValidationError`, `AccessDenied`, `ResourceNotFoundException`, `InternalError`, … */
    name: string;
    message: string;
    /** For `ValidationError`: the offending field. */
    field?: string;
    /** For server errors: an id to find the failure in the server's logs. */
    requestId?: string;
  };
}

/** A stage as sent on the wire. */
export interface StageJson {
  arn: string;
  id: string;
  name: string;
  activeSessionId?: string;
  tags: Record<string, string>;
  endpoints?: { events?: string; whip?: string; rtmp?: string; rtmps?: string };
}

/** A participant token as sent on the wire (`expirationTime` as an ISO-8601 string). */
export interface ParticipantTokenJson {
  token: string;
  participantId: string;
  expirationTime: string;
  userId?: string;
  capabilities: ParticipantCapability[];
}

/** A chat token as sent on the wire (times as ISO-8601 strings). */
export interface ChatTokenJson {
  token: string;
  tokenExpirationTime: string;
  sessionExpirationTime: string;
  /** The user the token was minted for. */
  userId?: string;
}

/** A chat room as sent on the wire. */
export type ChatRoomJson = ChatRoomSummary;

/** Which path shape an operation uses; `{arn}` is one percent-encoded path segment. */
export interface RestRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path segments after the base path; `':arn'` marks the ARN segment. */
  segments: readonly string[];
  /** Success status. */
  status: 200 | 201 | 204;
}

/** The route table: one entry per operation. */
export const REST_ROUTES: Readonly<Record<ControlPlaneOperation, RestRoute>> = Object.freeze({
  listStages: { method: 'GET', segments: ['stages'], status: 200 },
  createStage: { method: 'POST', segments: ['stages'], status: 201 },
  getStage: { method: 'GET', segments: ['stages', ':arn'], status: 200 },
  deleteStage: { method: 'DELETE', segments: ['stages', ':arn'], status: 204 },
  mintParticipantToken: { method: 'POST', segments: ['stages', ':arn', 'participant-tokens'], status: 201 },
  disconnectParticipant: { method: 'POST', segments: ['stages', ':arn', 'disconnect'], status: 204 },
  createChatRoom: { method: 'POST', segments: ['chat-rooms'], status: 201 },
  deleteChatRoom: { method: 'DELETE', segments: ['chat-rooms', ':arn'], status: 204 },
  mintChatToken: { method: 'POST', segments: ['chat-rooms', ':arn', 'tokens'], status: 201 },
});

/** Builds the path (after the base path) of an operation. */
export function restPath(operation: ControlPlaneOperation, arn?: string): string {
  return (
    '/' +
    REST_ROUTES[operation].segments.map((segment) => (segment === ':arn' ? encodeURIComponent(arn ?? '') : segment)).join('/')
  );
}

export function stageToJson(stage: StageSummary | StageDetails): StageJson {
  const json: StageJson = { arn: stage.arn, id: stage.id, name: stage.name, tags: { ...stage.tags } };
  if (stage.activeSessionId !== undefined) json.activeSessionId = stage.activeSessionId;
  if ('endpoints' in stage) json.endpoints = { ...stage.endpoints };
  return json;
}

export function participantTokenToJson(result: ParticipantTokenResult): ParticipantTokenJson {
  const json: ParticipantTokenJson = {
    token: result.token,
    participantId: result.participantId,
    expirationTime: result.expirationTime.toISOString(),
    capabilities: [...result.capabilities],
  };
  if (result.userId !== undefined) json.userId = result.userId;
  return json;
}

export function chatTokenToJson(result: ChatTokenResult): ChatTokenJson {
  const json: ChatTokenJson = {
    token: result.token,
    tokenExpirationTime: result.tokenExpirationTime.toISOString(),
    sessionExpirationTime: result.sessionExpirationTime.toISOString(),
  };
  if (result.userId !== undefined) json.userId = result.userId;
  return json;
}

/** Thrown by the `…FromJson` readers when a response does not have the contract's shape. */
export class RestShapeError extends Error {
  override name = 'RestShapeError';
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RestShapeError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function str(record: Record<string, unknown>, key: string, what: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw new RestShapeError(`${what}.${key} is not a string`);
  return value;
}

function optStr(record: Record<string, unknown>, key: string, what: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new RestShapeError(`${what}.${key} is not a string`);
  return value;
}

function int(record: Record<string, unknown>, key: string, what: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RestShapeError(`${what}.${key} is not a number`);
  return value;
}

function date(record: Record<string, unknown>, key: string, what: string): Date {
  const value = str(record, key, what);
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new RestShapeError(`${what}.${key} is not an ISO-8601 date`);
  return parsed;
}

function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const record = asObject(value, what);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(record)) {
    if (typeof item !== 'string') throw new RestShapeError(`${what}.${key} is not a string`);
    out[key] = item;
  }
  return out;
}

export function stageSummaryFromJson(value: unknown, what = 'stage'): StageSummary {
  const record = asObject(value, what);
  return {
    arn: str(record, 'arn', what),
    id: str(record, 'id', what),
    name: optStr(record, 'name', what) ?? '',
    activeSessionId: optStr(record, 'activeSessionId', what),
    tags: stringMap(record['tags'], `${what}.tags`),
  };
}

export function stageDetailsFromJson(value: unknown, what = 'stage'): StageDetails {
  const summary = stageSummaryFromJson(value, what);
  const endpoints = stringMap(asObject(value, what)['endpoints'], `${what}.endpoints`);
  return { ...summary, endpoints };
}

export function participantTokenFromJson(value: unknown, what = 'participantToken'): ParticipantTokenResult {
  const record = asObject(value, what);
  const capabilities = record['capabilities'];
  if (!Array.isArray(capabilities) || !capabilities.every((c) => c === 'PUBLISH' || c === 'SUBSCRIBE')) {
    throw new RestShapeError(`${what}.capabilities is not a list of PUBLISH | SUBSCRIBE`);
  }
  return {
    token: str(record, 'token', what),
    participantId: str(record, 'participantId', what),
    expirationTime: date(record, 'expirationTime', what),
    userId: optStr(record, 'userId', what),
    capabilities: capabilities as ParticipantCapability[],
  };
}

export function chatRoomFromJson(value: unknown, what = 'room'): ChatRoomSummary {
  const record = asObject(value, what);
  return {
    arn: str(record, 'arn', what),
    id: str(record, 'id', what),
    name: optStr(record, 'name', what) ?? '',
    maximumMessageLength: int(record, 'maximumMessageLength', what),
    maximumMessageRatePerSecond: int(record, 'maximumMessageRatePerSecond', what),
    tags: stringMap(record['tags'], `${what}.tags`),
  };
}

export function chatTokenFromJson(value: unknown, what = 'chatToken'): ChatTokenResult {
  const record = asObject(value, what);
  const userId = optStr(record, 'userId', what);
  return {
    token: str(record, 'token', what),
    tokenExpirationTime: date(record, 'tokenExpirationTime', what),
    sessionExpirationTime: date(record, 'sessionExpirationTime', what),
    ...(userId === undefined ? {} : { userId }),
  };
}

export function stageListFromJson(value: unknown): StageSummary[] {
  const record = asObject(value, 'body');
  const stages = record['stages'];
  if (!Array.isArray(stages)) throw new RestShapeError('body.stages is not an array');
  return stages.map((stage, index) => stageSummaryFromJson(stage, `stages[${index}]`));
}
