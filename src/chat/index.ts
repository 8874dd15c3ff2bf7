/** IVS Chat for apps: {@link ChatSession} and its types. */
export { ChatSession } from './chat-session';
export type { ChatSessionOptions, ChatConnectOptions } from './chat-session';
export { DEFAULT_RECONNECT_POLICY } from './reconnect-policy';
export type { ReconnectPolicy } from './reconnect-policy';
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
