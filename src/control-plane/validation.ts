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
import { checkString, checkStringMap, codePointLength, describeValue, isPlainObject } from '../core/checks';
import { ValidationError } from '../core/errors';
import { CHAT_CAPABILITIES, LIMITS, PARTICIPANT_CAPABILITIES } from './limits';
import type {
  ChatCapability,
  CreateChatRoomInput,
  CreateStageInput,
  DisconnectParticipantInput,
  MintChatTokenInput,
  MintParticipantTokenInput,
  ParticipantCapability,
} from './types';

export { validateRegion } from '../core/checks';
export { LIMITS, PARTICIPANT_CAPABILITIES, CHAT_CAPABILITIES } from './limits';

const NAME_PATTERN = /^[a-zA-Z0-9_-]*$/;
const PARTICIPANT_ID_PATTERN = /^[a-zA-Z0-9_-]+$/;

const utf8 = new TextEncoder();

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function checkInteger(value: unknown, field: string, min: number, max: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ValidationError(field, `expected a whole number of ${unit} from ${min} to ${max}, got ${describeValue(value)}.`);
  }
  if (value < min || value > max) {
    throw new ValidationError(field, `must be from ${min} to ${max} ${unit}, got ${value}.`);
  }
  return value;
}

/** Checks a resource name (stage or chat room): 0–128 characters of `[a-zA-Z0-9-_]`. */
export function validateName(value: unknown, field = 'name'): string {
  const name = checkString(value, field, 0, LIMITS.nameMaxLength);
  if (!NAME_PATTERN.test(name)) {
    throw new ValidationError(field, 'may contain only letters, digits, "-" and "_".');
  }
  return name;
}

/** An ARN checker: required, at most 128 characters, of the shape `arn:aws:<service>:<region>:<account>:<kind>/<id>`. */
function arnValidator(service: string, kind: string, what: string, creator: string) {
  const pattern = new RegExp(`^arn:aws:${service}:[a-z0-9-]+:[0-9]+:${kind}/[a-zA-Z0-9-]+$`);
  return (value: unknown, field: string): string => {
    const arn = checkString(value, field, 1, LIMITS.arnMaxLength);
    if (!pattern.test(arn)) {
      throw new ValidationError(field, `is not a ${what} ARN. Expected "arn:aws:${service}:<region>:<account>:${kind}/<id>", as returned by ${creator}().`);
    }
    return arn;
  };
}

const stageArn = arnValidator('ivs', 'stage', 'stage', 'createStage');
const roomArn = arnValidator('ivschat', 'room', 'chat room', 'createChatRoom');

/** Checks a stage ARN: `arn:aws:ivs:<region>:<account>:stage/<id>`, at most 128 characters. */
export function validateStageArn(value: unknown, field = 'stageArn'): string {
  return stageArn(value, field);
}

/** Checks a chat room ARN: `arn:aws:ivschat:<region>:<account>:room/<id>`, at most 128 characters. */
export function validateRoomArn(value: unknown, field = 'roomArn'): string {
  return roomArn(value, field);
}

/** Checks tags: at most 50; keys 1–128 characters; values strings of 0–256 characters. */
export function validateTags(value: unknown, field = 'tags'): Record<string, string> {
  const tags = checkStringMap(value, field);
  const keys = Object.keys(tags);
  if (keys.length > LIMITS.tagsMaxCount) {
    throw new ValidationError(field, `at most ${LIMITS.tagsMaxCount} tags are allowed, got ${keys.length}.`);
  }
  for (const key of keys) {
    const keyLength = codePointLength(key);
    if (keyLength < 1 || keyLength > LIMITS.tagKeyMaxLength) {
      throw new ValidationError(field, `tag keys must be 1–${LIMITS.tagKeyMaxLength} characters long, got ${keyLength}.`);
    }
    checkString(tags[key], `${field}.${key}`, 0, LIMITS.tagValueMaxLength);
  }
  return tags;
}

/**
 * Checks attributes: string values only, at most 1 KB in total, counted as the UTF-8 bytes of every
 * key plus every value.
 */
export function validateAttributes(value: unknown, field = 'attributes'): Record<string, string> {
  const attributes = checkStringMap(value, field);
  let bytes = 0;
  for (const [key, item] of Object.entries(attributes)) bytes += utf8.encode(key).byteLength + utf8.encode(item).byteLength;
  if (bytes > LIMITS.attributesMaxBytes) {
    throw new ValidationError(
      field,
      `must be at most ${LIMITS.attributesMaxBytes} bytes in total (UTF-8 keys plus values), got ${bytes}. Keep large data out of tokens.`,
    );
  }
  return attributes;
}

function validateCapabilities<C extends string>(value: unknown, field: string, allowed: readonly C[]): C[] {
  if (!Array.isArray(value)) throw new ValidationError(field, `expected an array of ${allowed.join(' | ')}, got ${describeValue(value)}.`);
  const seen = new Set<C>();
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string' || !allowed.includes(item as C)) {
      throw new ValidationError(`${field}[${index}]`, `must be one of ${allowed.join(', ')}, got ${typeof item === 'string' ? `"${item.slice(0, 40)}"` : describeValue(item)}.`);
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

// ---------------------------------------------------------------------------------------------
// Operation inputs, described as tables: field name → check. Required fields are always checked
// (an absent one fails with "is required."); optional ones only when present (`null` = absent).

type FieldCheck = (value: unknown, field: string) => unknown;

const text = (min: number, max: number): FieldCheck => (value, field) => checkString(value, field, min, max);
const integer = (min: number, max: number, unit: string): FieldCheck => (value, field) => checkInteger(value, field, min, max, unit);

function participantId(value: unknown, field: string): string {
  const id = checkString(value, field, 1, LIMITS.participantIdMaxLength);
  if (!PARTICIPANT_ID_PATTERN.test(id)) {
    throw new ValidationError(field, 'may contain only letters, digits, "-" and "_" (the participantId of a minted token).');
  }
  return id;
}

/**
 * Checks an input object against a table of fields, in table order, and returns a fresh object
 * with only those fields. `required` names the mandatory fields; when it is non-empty the input
 * itself is mandatory too (the message shows what to pass).
 */
function validateInput<T>(value: unknown, fields: Record<string, FieldCheck>, required: readonly string[] = []): T {
  if (required.length > 0 && !present(value)) throw new ValidationError('input', `is required: pass { ${required.join(', ')}, … }.`);
  const known = Object.keys(fields);
  const out: Record<string, unknown> = {};
  if (!present(value)) return out as T;
  if (!isPlainObject(value)) throw new ValidationError('input', `expected an object, got ${describeValue(value)}.`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key) && value[key] !== undefined) {
      throw new ValidationError(key, `is not a known field. Expected only: ${known.join(', ')}.`);
    }
  }
  for (const key of known) {
    if (required.includes(key) || present(value[key])) out[key] = fields[key]!(value[key], key);
  }
  return out as T;
}

const name: FieldCheck = (value, field) => validateName(value, field);
const tags: FieldCheck = (value, field) => validateTags(value, field);
const attributes: FieldCheck = (value, field) => validateAttributes(value, field);

/** Validates the input of `createStage()`. */
export function validateCreateStageInput(value: unknown): CreateStageInput {
  return validateInput(value, { name, tags });
}

/** Validates the input of `mintParticipantToken()`. */
export function validateMintParticipantTokenInput(value: unknown): MintParticipantTokenInput {
  return validateInput(
    value,
    {
      stageArn,
      userId: text(0, LIMITS.participantUserIdMaxLength),
      attributes,
      capabilities: (v, field) => validateParticipantCapabilities(v, field),
      durationMinutes: integer(LIMITS.participantTokenMinMinutes, LIMITS.participantTokenMaxMinutes, 'minutes'),
    },
    ['stageArn'],
  );
}

/** Validates the input of `disconnectParticipant()`. */
export function validateDisconnectParticipantInput(value: unknown): DisconnectParticipantInput {
  return validateInput(
    value,
    { stageArn, participantId, reason: text(0, LIMITS.disconnectReasonMaxLength) },
    ['stageArn', 'participantId'],
  );
}

/** Validates the input of `createChatRoom()`. */
export function validateCreateChatRoomInput(value: unknown): CreateChatRoomInput {
  return validateInput(value, {
    name,
    maximumMessageLength: integer(LIMITS.messageLengthMin, LIMITS.messageLengthMax, 'characters'),
    maximumMessageRatePerSecond: integer(LIMITS.messageRateMin, LIMITS.messageRateMax, 'messages per second'),
    tags,
  });
}

/** Validates the input of `mintChatToken()`. */
export function validateMintChatTokenInput(value: unknown): MintChatTokenInput {
  return validateInput(
    value,
    {
      roomArn,
      userId: text(1, LIMITS.chatUserIdMaxLength),
      attributes,
      capabilities: (v, field) => validateChatCapabilities(v, field),
      sessionDurationMinutes: integer(LIMITS.chatSessionMinMinutes, LIMITS.chatSessionMaxMinutes, 'minutes'),
    },
    ['roomArn', 'userId'],
  );
}
