/** IVS Chat for apps: {@link ChatSession} and its types. */
export { ChatSession } from './chat-session';
export type { ChatSessionOptions, ChatConnectOptions } from './chat-session';
export { backoffDelay, DEFAULT_RECONNECT_POLICY } from './backoff';
export type { ReconnectPolicy } from './backoff';
export { MAX_MESSAGE_LENGTH } from './validate';
export type {
  ChatToken,
  ChatTokenProvider,
  ChatMessage,
  ChatSender,
  ChatEvent,
  MessageDeletedEvent,
  UserDisconnectedEvent,
  ChatSessionState,
  ChatStopReason,
  ChatSessionEvents,
  ChatRoomConstructor,
} from './types';
