/**
 * Wire frames of the IVS Chat Messaging WebSocket API, as ivs-local speaks them.
 *
 * Server frames are JSON objects with capitalised keys and a `Type` of `MESSAGE`, `EVENT` or
 * `ERROR`; every one carries a unique `Id` (the chat SDK de-duplicates frames by `Id`, so a reused
 * `Id` makes a frame vanish silently). Client frames carry an `Action` and a `RequestId`.
 */
import { randomBytes } from 'node:crypto';
import { IvsLocalError } from '../errors';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh 12-character alphanumeric identifier (the format of IVS chat message and event ids). */
export function newChatId(): string {
  // 248 = 4 × 62: rejecting bytes ≥ 248 keeps the distribution uniform.
  let id = '';
  while (id.length < 12) {
    for (const byte of randomBytes(16)) {
      if (byte < 248) id += ID_ALPHABET[byte % 62];
      if (id.length === 12) break;
    }
  }
  return id;
}

/** Pattern of a message id accepted by DELETE_MESSAGE (12 alphanumerics, like the control plane's `id`). */
export const CHAT_ID_PATTERN = /^[a-zA-Z0-9]{12}$/;

export interface MessageFrame {
  Type: 'MESSAGE';
  Id: string;
  RequestId?: string;
  Content: string;
  Attributes?: Record<string, string>;
  SendTime: string;
  Sender: { UserId: string; Attributes?: Record<string, string> };
}

export interface EventFrame {
  Type: 'EVENT';
  Id: string;
  RequestId?: string;
  EventName: string;
  Attributes?: Record<string, string>;
  SendTime: string;
}

export interface ErrorFrame {
  Type: 'ERROR';
  Id: string;
  RequestId?: string;
  ErrorCode: number;
  ErrorMessage: string;
}

export type ServerFrame = MessageFrame | EventFrame | ErrorFrame;

export function errorFrame(code: number, message: string, requestId: string | undefined): ErrorFrame {
  return {
    Type: 'ERROR',
    Id: newChatId(),
    ...(requestId === undefined ? {} : { RequestId: requestId }),
    ErrorCode: code,
    ErrorMessage: message,
  };
}

export function eventFrame(
  eventName: string,
  attributes: Record<string, string> | undefined,
  requestId: string | undefined,
  id: string = newChatId(),
): EventFrame {
  return {
    Type: 'EVENT',
    Id: id,
    ...(requestId === undefined ? {} : { RequestId: requestId }),
    EventName: eventName,
    ...(attributes === undefined || Object.keys(attributes).length === 0 ? {} : { Attributes: attributes }),
    SendTime: new Date().toISOString(),
  };
}

/** `aws:DELETE_MESSAGE`, carrying the message id under both spellings. */
export function deleteMessageEvent(
  messageId: string,
  reason: string | undefined,
  requestId: string | undefined,
  id: string = newChatId(),
): EventFrame {
  // The public docs name `MessageId` (and `MessageID` as the deprecated spelling); amazon-ivs-chat-messaging
  // 1.1.1 reads only `MessageID` and drops the event without it. Send both.
  const attributes: Record<string, string> = { MessageId: messageId, MessageID: messageId };
  if (reason !== undefined) attributes.Reason = reason;
  return eventFrame('aws:DELETE_MESSAGE', attributes, requestId, id);
}

/** `aws:DISCONNECT_USER`: the user's connections are closed right after it. */
export function disconnectUserEvent(userId: string, reason: string | undefined, requestId: string | undefined): EventFrame {
  const attributes: Record<string, string> = { UserId: userId };
  if (reason !== undefined) attributes.Reason = reason;
  return eventFrame('aws:DISCONNECT_USER', attributes, requestId);
}

/**
 * Sent by ivs-local to every connection of a room just before the room's sockets are closed because
 * the room was deleted. The real service's behaviour on DeleteRoom is not documented; this event
 * lets clients (ChatSession) report `room-deleted` instead of a bare server disconnect. Defined once,
 * in the SDK's `core/ivs-limits.ts`, which ChatSession reads too.
 */
export { ROOM_DELETED_EVENT } from 'aws-ivs-realtime/protocol';

/** A validated client request. */
export type ClientRequest =
  | { action: 'SEND_MESSAGE'; requestId: string | undefined; content: string; attributes: Record<string, string> | undefined }
  | { action: 'DELETE_MESSAGE'; requestId: string | undefined; id: string; reason: string | undefined }
  | { action: 'DISCONNECT_USER'; requestId: string | undefined; userId: string; reason: string | undefined };

/** Why a client frame was refused before it reached the room (always answered with ERROR 400). */
export class FrameError extends IvsLocalError {
  override name = 'FrameError';
  readonly requestId: string | undefined;
  readonly errorCode: number;

  constructor(message: string, requestId: string | undefined, errorCode = 400) {
    super('chat-frame', message);
    this.requestId = requestId;
    this.errorCode = errorCode;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(frame: Record<string, unknown>, key: string, requestId: string | undefined): string | undefined {
  const value = frame[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new FrameError(`${key} must be a string.`, requestId);
  return value;
}

function requiredString(frame: Record<string, unknown>, key: string, requestId: string | undefined): string {
  const value = optionalString(frame, key, requestId);
  if (value === undefined) throw new FrameError(`${key} is required.`, requestId);
  return value;
}

/** Maximum length of a `RequestId` accepted by ivs-local (the SDK sends a 36-character UUID). */
export const MAX_REQUEST_ID_LENGTH = 128;

/** Parses one text frame into a {@link ClientRequest}; throws {@link FrameError} for anything malformed. */
export function parseClientFrame(text: string): ClientRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FrameError('The frame is not valid JSON.', undefined);
  }
  if (!isRecord(parsed)) throw new FrameError('The frame must be a JSON object.', undefined);

  const rawRequestId = parsed.RequestId;
  let requestId: string | undefined;
  if (rawRequestId !== undefined && rawRequestId !== null) {
    if (typeof rawRequestId !== 'string' || rawRequestId.length === 0 || rawRequestId.length > MAX_REQUEST_ID_LENGTH) {
      throw new FrameError(`RequestId must be a string of 1-${MAX_REQUEST_ID_LENGTH} characters.`, undefined);
    }
    requestId = rawRequestId;
  }

  const action = parsed.Action;
  switch (action) {
    case 'SEND_MESSAGE': {
      const content = requiredString(parsed, 'Content', requestId);
      const rawAttributes = parsed.Attributes;
      let attributes: Record<string, string> | undefined;
      if (rawAttributes !== undefined && rawAttributes !== null) {
        if (!isRecord(rawAttributes)) throw new FrameError('Attributes must be an object of strings.', requestId);
        for (const [key, value] of Object.entries(rawAttributes)) {
          if (typeof value !== 'string') throw new FrameError(`Attributes.${key} must be a string.`, requestId);
        }
        attributes = rawAttributes as Record<string, string>;
      }
      return { action, requestId, content, attributes };
    }
    case 'DELETE_MESSAGE':
      return {
        action,
        requestId,
        id: requiredString(parsed, 'Id', requestId),
        reason: optionalString(parsed, 'Reason', requestId),
      };
    case 'DISCONNECT_USER':
      return {
        action,
        requestId,
        userId: requiredString(parsed, 'UserId', requestId),
        reason: optionalString(parsed, 'Reason', requestId),
      };
    case undefined:
    case null:
      throw new FrameError('Action is required (SEND_MESSAGE, DELETE_MESSAGE or DISCONNECT_USER).', requestId);
    default:
      throw new FrameError(
        `Unknown Action ${JSON.stringify(action).slice(0, 64)}; expected SEND_MESSAGE, DELETE_MESSAGE or DISCONNECT_USER.`,
        requestId,
      );
  }
}


/** UTF-8 size of all keys and values of an attribute map (the unit of the documented 1 KB limits). */
export function attributesByteSize(attributes: Record<string, string>): number {
  let size = 0;
  for (const [key, value] of Object.entries(attributes)) size += Buffer.byteLength(key) + Buffer.byteLength(value);
  return size;
}
