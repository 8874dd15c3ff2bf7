import { randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random `[a-zA-Z0-9]{length}` string (stage, room, participant, message and event ids). */
export function randomId(length = 12): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** A stage session id: `st-` + 13 alphanumerics, exactly 16 characters as the model requires. */
export function stageSessionId(): string {
  return `st-${randomId(13)}`;
}

/** The value of the `x-amzn-RequestId` response header. */
export function requestId(): string {
  return randomUUID();
}
