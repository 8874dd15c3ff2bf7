/** Input checks for ChatSession, run before anything is sent. */
import { checkString, checkStringMap, codePointLength } from '../core/checks';
import { ValidationError } from '../core/errors';
import { AWS_REGION_PATTERN, IVS_LIMITS } from '../core/ivs-limits';

export { codePointLength };

/** Absolute maximum message length in IVS Chat (a room may set a lower one), in Unicode code points. */
export const MAX_MESSAGE_LENGTH = IVS_LIMITS.messageLengthMax;
/** DeleteMessage / DisconnectUser reasons: 1–256 characters. */
export const MAX_REASON_LENGTH = IVS_LIMITS.chatReasonMaxLength;
/** Chat user ids: 1–128 characters. */
export const MAX_USER_ID_LENGTH = IVS_LIMITS.chatUserIdMaxLength;

export function validateContent(content: unknown): string {
  if (typeof content !== 'string') throw new ValidationError('content', `must be a string (got ${typeof content}).`);
  if (content.length === 0) throw new ValidationError('content', 'must not be empty.');
  const length = codePointLength(content);
  if (length > MAX_MESSAGE_LENGTH) {
    throw new ValidationError(
      'content',
      `must be at most ${MAX_MESSAGE_LENGTH} characters (Unicode code points); this one has ${length}. Shorten it or split it into several messages.`,
    );
  }
  return content;
}

/** Message attributes: a copy of a plain object of string values, or `undefined`. */
export function validateAttributes(attributes: unknown): Record<string, string> | undefined {
  return attributes === undefined ? undefined : checkStringMap(attributes, 'attributes');
}

/** A DeleteMessage / DisconnectUser reason of 1–256 characters, or `undefined`. */
export function validateReason(reason: unknown): string | undefined {
  return reason === undefined ? undefined : checkString(reason, 'reason', 1, MAX_REASON_LENGTH);
}

/** A required string of 1–`max` characters (a message id, a user id). */
export function validateNonEmpty(field: string, value: unknown, max: number): string {
  return checkString(value, field, 1, max);
}

export function validateRegionOrUrl(value: unknown): string {
  const expected = 'must be an AWS region (e.g. "us-west-2") or a ws:// / wss:// URL';
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('regionOrUrl', `${expected} (e.g. ivs-local's chat URL).`);
  }
  if (/^wss?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ValidationError('regionOrUrl', `is not a valid URL: ${value}`);
    }
    return value;
  }
  if (!AWS_REGION_PATTERN.test(value)) throw new ValidationError('regionOrUrl', `${expected}; got "${value}".`);
  return value;
}
