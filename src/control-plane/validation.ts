/**
 * Input validation for every {@link ControlPlane} method, against the limits of the IVS Real-Time
 * and IVS Chat APIs. Every control plane (and the server handler) runs these before any network
 * call, so a bad argument fails fast with a {@link ValidationError} naming the field, and nothing
 * is sent.
 *
 * Each `validate…` function accepts `unknown` (it also checks JSON bodies on the server), returns a
 * fresh object holding only the known fields, treats `null` like an absent optional field, and
 * rejects unknown fields (a misspelt `capabilites` is an error, not a silent default).
 */
import { ValidationError } from '../core/errors';
import type {
  ChatCapability,
  CreateChatRoomInput,
  CreateStageInput,
  DisconnectParticipantInput,
  MintChatTokenInput,
  MintParticipantTokenInput,
  ParticipantCapability,
} from './types';

/** Limits enforced by the validators (IVS model constraints). */
export const LIMITS = Object.freeze({
  nameMaxLength: 128,
  arnMaxLength: 128,
  tagsMaxCount: 50,
  tagKeyMaxLength: 128,
  tagValueMaxLength: 256,
  attributesMaxBytes: 1024,
  participantUserIdMaxLength: 128,
  participantIdMaxLength: 64,
  participantTokenMinMinutes: 1,
  participantTokenMaxMinutes: 20_160,
  disconnectReasonMaxLength: 128,
  chatUserIdMaxLength: 128,
  chatSessionMinMinutes: 1,
  chatSessionMaxMinutes: 180,
  messageLengthMin: 1,
  messageLengthMax: 500,
  messageRateMin: 1,
  messageRateMax: 100,
});

/** Real-Time participant token capabilities. */
export const PARTICIPANT_CAPABILITIES: readonly ParticipantCapability[] = Object.freeze(['PUBLISH', 'SUBSCRIBE']);
/** Chat token capabilities. */
export const CHAT_CAPABILITIES: readonly ChatCapability[] = Object.freeze(['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER']);

const NAME_PATTERN = /^[a-zA-Z0-9_-]*$/;
const STAGE_ARN_PATTERN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage\/[a-zA-Z0-9-]+$/;
const ROOM_ARN_PATTERN = /^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:room\/[a-zA-Z0-9-]+$/;
const PARTICIPANT_ID_PATTERN = /^[a-zA-Z0-9_-]+$/;
const REGION_PATTERN = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

const utf8 = new TextEncoder();

/** Length in Unicode code points, the way the IVS model counts characters. */
function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${codePointLength(value)} characters`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `${value}`;
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The fields of an input object (or `{}` when it is absent); rejects non-objects and unknown fields. */
function readObject(value: unknown, field: string, known: readonly string[]): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new ValidationError(field, `expected an object, got ${describe(value)}.`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key) && value[key] !== undefined) {
      throw new ValidationError(key, `is not a known field. Expected only: ${known.join(', ')}.`);
    }
  }
  return value;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw new ValidationError(field, present(value) ? `expected a string, got ${describe(value)}.` : 'is required.');
  }
  return value;
}

function checkLength(value: string, field: string, min: number, max: number): string {
  const length = codePointLength(value);
  if (length < min || length > max) {
    const range = min === 0 ? `at most ${max}` : min === max ? `exactly ${min}` : `${min}–${max}`;
    throw new ValidationError(field, `must be ${range} characters long, got ${length}.`);
  }
  return value;
}

function checkInteger(value: unknown, field: string, min: number, max: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ValidationError(field, `expected a whole number of ${unit} from ${min} to ${max}, got ${describe(value)}.`);
  }
  if (value < min || value > max) {
    throw new ValidationError(field, `must be from ${min} to ${max} ${unit}, got ${value}.`);
  }
  return value;
}

/** Checks a resource name (stage or chat room): 0–128 characters of `[a-zA-Z0-9-_]`. */
export function validateName(value: unknown, field = 'name'): string {
  const name = checkLength(requireString(value, field), field, 0, LIMITS.nameMaxLength);
  if (!NAME_PATTERN.test(name)) {
    throw new ValidationError(field, 'may contain only letters, digits, "-" and "_".');
  }
  return name;
}

/** Checks a stage ARN: `arn:aws:ivs:<region>:<account>:stage/<id>`, at most 128 characters. */
export function validateStageArn(value: unknown, field = 'stageArn'): string {
  const arn = requireString(value, field);
  if (arn.length === 0) throw new ValidationError(field, 'is required.');
  if (arn.length > LIMITS.arnMaxLength) {
    throw new ValidationError(field, `must be at most ${LIMITS.arnMaxLength} characters long, got ${arn.length}.`);
  }
  if (!STAGE_ARN_PATTERN.test(arn)) {
    throw new ValidationError(
      field,
      'is not a stage ARN. Expected "arn:aws:ivs:<region>:<account>:stage/<id>", as returned by createStage().',
    );
  }
  return arn;
}

/** Checks a chat room ARN: `arn:aws:ivschat:<region>:<account>:room/<id>`, at most 128 characters. */
export function validateRoomArn(value: unknown, field = 'roomArn'): string {
  const arn = requireString(value, field);
  if (arn.length === 0) throw new ValidationError(field, 'is required.');
  if (arn.length > LIMITS.arnMaxLength) {
    throw new ValidationError(field, `must be at most ${LIMITS.arnMaxLength} characters long, got ${arn.length}.`);
  }
  if (!ROOM_ARN_PATTERN.test(arn)) {
    throw new ValidationError(
      field,
      'is not a chat room ARN. Expected "arn:aws:ivschat:<region>:<account>:room/<id>", as returned by createChatRoom().',
    );
  }
  return arn;
}

/** Checks an AWS region name such as `us-east-1`. */
export function validateRegion(value: unknown, field = 'region'): string {
  const region = requireString(value, field);
  if (!REGION_PATTERN.test(region)) {
    throw new ValidationError(field, `is not an AWS region name (e.g. "us-east-1"), got "${region.slice(0, 40)}".`);
  }
  return region;
}

/** Checks tags: at most 50; keys 1–128 characters; values strings of 0–256 characters. */
export function validateTags(value: unknown, field = 'tags'): Record<string, string> {
  if (!isPlainObject(value)) throw new ValidationError(field, `expected an object of string values, got ${describe(value)}.`);
  const entries = Object.entries(value);
  if (entries.length > LIMITS.tagsMaxCount) {
    throw new ValidationError(field, `at most ${LIMITS.tagsMaxCount} tags are allowed, got ${entries.length}.`);
  }
  const tags: Record<string, string> = {};
  for (const [key, tagValue] of entries) {
    const keyLength = codePointLength(key);
    if (keyLength < 1 || keyLength > LIMITS.tagKeyMaxLength) {
      throw new ValidationError(field, `tag keys must be 1–${LIMITS.tagKeyMaxLength} characters long, got ${keyLength}.`);
    }
    if (typeof tagValue !== 'string') {
      throw new ValidationError(`${field}.${key}`, `expected a string, got ${describe(tagValue)}.`);
    }
    checkLength(tagValue, `${field}.${key}`, 0, LIMITS.tagValueMaxLength);
    tags[key] = tagValue;
  }
  return tags;
}

/**
 * Checks attributes: string values only, at most 1 KB in total, counted as the UTF-8 bytes of every
 * key plus every value.
 */
export function validateAttributes(value: unknown, field = 'attributes'): Record<string, string> {
  if (!isPlainObject(value)) throw new ValidationError(field, `expected an object of string values, got ${describe(value)}.`);
  const attributes: Record<string, string> = {};
  let bytes = 0;
  for (const [key, attributeValue] of Object.entries(value)) {
    if (typeof attributeValue !== 'string') {
      throw new ValidationError(`${field}.${key}`, `expected a string, got ${describe(attributeValue)}.`);
    }
    bytes += utf8.encode(key).byteLength + utf8.encode(attributeValue).byteLength;
    attributes[key] = attributeValue;
  }
  if (bytes > LIMITS.attributesMaxBytes) {
    throw new ValidationError(
      field,
      `must be at most ${LIMITS.attributesMaxBytes} bytes in total (UTF-8 keys plus values), got ${bytes}. Keep large data out of tokens.`,
    );
  }
  return attributes;
}

function validateCapabilities<C extends string>(value: unknown, field: string, allowed: readonly C[]): C[] {
  if (!Array.isArray(value)) throw new ValidationError(field, `expected an array of ${allowed.join(' | ')}, got ${describe(value)}.`);
  const seen = new Set<C>();
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string' || !allowed.includes(item as C)) {
      throw new ValidationError(`${field}[${index}]`, `must be one of ${allowed.join(', ')}, got ${typeof item === 'string' ? `"${item.slice(0, 40)}"` : describe(item)}.`);
    }
    if (seen.has(item as C)) throw new ValidationError(`${field}[${index}]`, `"${item}" is listed twice.`);
    seen.add(item as C);
  });
  return [...seen];
}

/** Checks participant token capabilities: a list of distinct `PUBLISH` / `SUBSCRIBE`. */
export function validateParticipantCapabilities(value: unknown, field = 'capabilities'): ParticipantCapability[] {
  return validateCapabilities(value, field, PARTICIPANT_CAPABILITIES);
}

/** Checks chat token capabilities: a list of distinct `SEND_MESSAGE` / `DELETE_MESSAGE` / `DISCONNECT_USER`. */
export function validateChatCapabilities(value: unknown, field = 'capabilities'): ChatCapability[] {
  return validateCapabilities(value, field, CHAT_CAPABILITIES);
}

/** Validates the input of `createStage()`. */
export function validateCreateStageInput(value: unknown): CreateStageInput {
  const input = readObject(value, 'input', ['name', 'tags']);
  const out: CreateStageInput = {};
  if (present(input['name'])) out.name = validateName(input['name']);
  if (present(input['tags'])) out.tags = validateTags(input['tags']);
  return out;
}

/** Validates the input of `mintParticipantToken()`. */
export function validateMintParticipantTokenInput(value: unknown): MintParticipantTokenInput {
  if (!present(value)) throw new ValidationError('input', 'is required: pass { stageArn, … }.');
  const input = readObject(value, 'input', ['stageArn', 'userId', 'attributes', 'capabilities', 'durationMinutes']);
  const out: MintParticipantTokenInput = { stageArn: validateStageArn(input['stageArn']) };
  if (present(input['userId'])) {
    out.userId = checkLength(requireString(input['userId'], 'userId'), 'userId', 0, LIMITS.participantUserIdMaxLength);
  }
  if (present(input['attributes'])) out.attributes = validateAttributes(input['attributes']);
  if (present(input['capabilities'])) out.capabilities = validateParticipantCapabilities(input['capabilities']);
  if (present(input['durationMinutes'])) {
    out.durationMinutes = checkInteger(
      input['durationMinutes'],
      'durationMinutes',
      LIMITS.participantTokenMinMinutes,
      LIMITS.participantTokenMaxMinutes,
      'minutes',
    );
  }
  return out;
}

/** Validates the input of `disconnectParticipant()`. */
export function validateDisconnectParticipantInput(value: unknown): DisconnectParticipantInput {
  if (!present(value)) throw new ValidationError('input', 'is required: pass { stageArn, participantId }.');
  const input = readObject(value, 'input', ['stageArn', 'participantId', 'reason']);
  const stageArn = validateStageArn(input['stageArn']);
  const participantId = checkLength(requireString(input['participantId'], 'participantId'), 'participantId', 1, LIMITS.participantIdMaxLength);
  if (!PARTICIPANT_ID_PATTERN.test(participantId)) {
    throw new ValidationError('participantId', 'may contain only letters, digits, "-" and "_" (the participantId of a minted token).');
  }
  const out: DisconnectParticipantInput = { stageArn, participantId };
  if (present(input['reason'])) {
    out.reason = checkLength(requireString(input['reason'], 'reason'), 'reason', 0, LIMITS.disconnectReasonMaxLength);
  }
  return out;
}

/** Validates the input of `createChatRoom()`. */
export function validateCreateChatRoomInput(value: unknown): CreateChatRoomInput {
  const input = readObject(value, 'input', ['name', 'maximumMessageLength', 'maximumMessageRatePerSecond', 'tags']);
  const out: CreateChatRoomInput = {};
  if (present(input['name'])) out.name = validateName(input['name']);
  if (present(input['maximumMessageLength'])) {
    out.maximumMessageLength = checkInteger(
      input['maximumMessageLength'],
      'maximumMessageLength',
      LIMITS.messageLengthMin,
      LIMITS.messageLengthMax,
      'characters',
    );
  }
  if (present(input['maximumMessageRatePerSecond'])) {
    out.maximumMessageRatePerSecond = checkInteger(
      input['maximumMessageRatePerSecond'],
      'maximumMessageRatePerSecond',
      LIMITS.messageRateMin,
      LIMITS.messageRateMax,
      'messages per second',
    );
  }
  if (present(input['tags'])) out.tags = validateTags(input['tags']);
  return out;
}

/** Validates the input of `mintChatToken()`. */
export function validateMintChatTokenInput(value: unknown): MintChatTokenInput {
  if (!present(value)) throw new ValidationError('input', 'is required: pass { roomArn, userId, … }.');
  const input = readObject(value, 'input', ['roomArn', 'userId', 'attributes', 'capabilities', 'sessionDurationMinutes']);
  const roomArn = validateRoomArn(input['roomArn']);
  const userId = checkLength(requireString(input['userId'], 'userId'), 'userId', 1, LIMITS.chatUserIdMaxLength);
  const out: MintChatTokenInput = { roomArn, userId };
  if (present(input['attributes'])) out.attributes = validateAttributes(input['attributes']);
  if (present(input['capabilities'])) out.capabilities = validateChatCapabilities(input['capabilities']);
  if (present(input['sessionDurationMinutes'])) {
    out.sessionDurationMinutes = checkInteger(
      input['sessionDurationMinutes'],
      'sessionDurationMinutes',
      LIMITS.chatSessionMinMinutes,
      LIMITS.chatSessionMaxMinutes,
      'minutes',
    );
  }
  return out;
}
