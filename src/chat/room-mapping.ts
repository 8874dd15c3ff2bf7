/**
 * How ChatSession's engine talks to ChatRoom (`amazon-ivs-chat-messaging`): its log lines, and the
 * conversion of what ChatRoom delivers (messages, events, request failures) into this SDK's shapes.
 */
import { ChatError, messageOf } from '../core/errors';
import type { Logger } from '../core/logger';
import type {
  ChatMessage,
  ChatRoomLogger,
  MessageDeletedEvent,
  RoomChatMessage,
  RoomDeleteMessageEvent,
  RoomDisconnectUserEvent,
  UserDisconnectedEvent,
} from './types';

export const silentLogger: ChatRoomLogger = { debug() {}, info() {}, error() {} };

/** ChatRoom calls all three methods; the app's logger may have only some. */
export function chatRoomLogger(logger: Logger): ChatRoomLogger {
  return {
    debug: (message, ...args) => logger.debug?.(message, ...args),
    info: (message, ...args) => logger.info?.(message, ...args),
    error: (message, ...args) => logger.error?.(message, ...args),
  };
}

export const copy = (attributes: Record<string, string> | undefined) => ({ ...attributes });

export function toChatMessage(message: RoomChatMessage): ChatMessage {
  return {
    id: message.id,
    content: message.content,
    attributes: copy(message.attributes),
    sender: { userId: message.sender.userId, attributes: copy(message.sender.attributes) },
    sendTime: message.sendTime,
    requestId: message.requestId,
  };
}

export function toMessageDeleted(event: RoomDeleteMessageEvent): MessageDeletedEvent {
  return { id: event.id, messageId: event.messageId, reason: event.reason, sendTime: event.sendTime, requestId: event.requestId };
}

export function toUserDisconnected(event: RoomDisconnectUserEvent): UserDisconnectedEvent {
  return { id: event.id, userId: event.userId, reason: event.reason, sendTime: event.sendTime, requestId: event.requestId };
}

/** Turns what ChatRoom rejects a request with (`{ errorCode, errorMessage, requestId }`) into a ChatError. */
export function toChatError(raw: unknown, requestId: string, action: string): ChatError {
  if (typeof raw === 'object' && raw !== null && typeof (raw as { errorCode?: unknown }).errorCode === 'number') {
    const { errorCode, errorMessage } = raw as { errorCode: number; errorMessage?: unknown };
    const text = typeof errorMessage === 'string' ? errorMessage : 'no message';
    return new ChatError(ChatError.reasonForCode(errorCode), `${action} was refused by the chat server (${errorCode}): ${text}`, {
      errorCode,
      requestId,
      cause: raw,
    });
  }
  return new ChatError('server-error', `${action} failed: ${messageOf(raw)}`, { requestId, cause: raw });
}
