/** Input checks for ChatSession, run before anything is sent. */
import { ValidationError } from '../core/errors';

/** Absolute maximum message length in IVS Chat (a room may set a lower one), in Unicode code points. */
export const MAX_MESSAGE_LENGTH = 500;
/** DeleteMessage / DisconnectUser reasons: 1–256 characters. */
export const MAX_REASON_LENGTH = 256;
/** Chat user ids: 1–128 characters. */
export const MAX_USER_ID_LENGTH = 128;

/** Counts Unicode code points (what IVS counts), not UTF-16 units. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

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

export function validateAttributes(attributes: unknown): Record<string, string> | undefined {
  if (attributes === undefined) return undefined;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new ValidationError('attributes', 'must be an object whose values are strings.');
  }
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value !== 'string') throw new ValidationError(`attributes.${key}`, `must be a string (got ${typeof value}).`);
  }
  return { ...(attributes as Record<string, string>) };
}

export function validateReason(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  if (typeof reason !== 'string' || reason.length === 0 || reason.length > MAX_REASON_LENGTH) {
    throw new ValidationError('reason', `must be a string of 1-${MAX_REASON_LENGTH} characters when given.`);
  }
  return reason;
}

export function validateNonEmpty(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new ValidationError(field, `must be a string of 1-${max} characters.`);
  }
  return value;
}

const REGION = /^[a-zA-Z0-9-._~]+$/;

export function validateRegionOrUrl(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('regionOrUrl', 'must be an AWS region (e.g. "us-west-2") or a ws:// / wss:// URL (e.g. ivs-local\'s chat URL).');
  }
  if (value.startsWith('wss://') || value.startsWith('ws://')) {
    try {
      new URL(value);
    } catch {
      throw new ValidationError('regionOrUrl', `is not a valid URL: ${value}`);
    }
    return value;
  }
  if (!REGION.test(value)) {
    throw new ValidationError('regionOrUrl', `must be an AWS region (e.g. "us-west-2") or a ws:// / wss:// URL; got "${value}".`);
  }
  return value;
}
