/**
 * Public types of {@link ChatSession}, and the structural subset of `amazon-ivs-chat-messaging`'s
 * `ChatRoom` that the session drives (so the peer dependency's types are not needed to compile
 * against this package, and a ChatRoom class can be injected).
 */
import type { IvsRealtimeError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ReconnectPolicy } from './reconnect-policy';

/** A chat token as returned by CreateChatToken (dates as `Date` or ISO-8601 strings). */
export interface ChatToken {
  token: string;
  /** After this instant the token can no longer open a connection (an open connection is not affected). */
  tokenExpirationTime?: Date | string;
  /**
   * End of the chat session. ChatSession opens a replacement connection, with a new token, shortly
   * before it (60 s, or 30 s when less than a minute is left), without leaving `connected`.
   */
  sessionExpirationTime?: Date | string;
  /**
   * The user the token was minted for (`ControlPlane.mintChatToken` results carry it). When
   * present, the session knows its own user id from its first connection and recognises a kick of
   * that user exactly, as with `connect({ userId })`.
   */
  userId?: string;
}

/**
 * Fetches a fresh chat token from your backend. Called before every connection attempt, including
 * reconnects and proactive refreshes: chat tokens are single-use, so never return a cached one.
 */
export type ChatTokenProvider = () => Promise<ChatToken>;

/** The user who sent a message. */
export interface ChatSender {
  userId: string;
  /** The `attributes` of the sender's chat token. */
  attributes: Record<string, string>;
}

/** A chat message, as delivered to every connection of the room (the sender included). */
export interface ChatMessage {
  /** Server-generated id: pass it to `deleteMessage`. */
  id: string;
  content: string;
  /** The message's own attributes (`{}` when none). */
  attributes: Record<string, string>;
  sender: ChatSender;
  sendTime: Date;
  /** The `RequestId` of the send that produced it (present for messages sent by this connection). */
  requestId: string | undefined;
}

/** A custom event (from SendEvent on your backend). */
export interface ChatEvent {
  id: string;
  eventName: string;
  attributes: Record<string, string>;
  sendTime: Date;
  requestId: string | undefined;
}

/** A message was deleted by a moderator or by your backend: remove it from the UI. */
export interface MessageDeletedEvent {
  /** Id of the deletion event. */
  id: string;
  /** Id of the deleted message. */
  messageId: string;
  reason: string | undefined;
  sendTime: Date;
  requestId: string | undefined;
}

/** A user was disconnected by a moderator or by your backend. */
export interface UserDisconnectedEvent {
  id: string;
  userId: string;
  reason: string | undefined;
  sendTime: Date;
  requestId: string | undefined;
}

/** Connection state of a {@link ChatSession}. */
export type ChatSessionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/**
 * Why a session stopped for good:
 * - `user` — `disconnect()`, `dispose()` or the connect signal aborted;
 * - `server-disconnect` — the server closed the connection cleanly (not a network failure);
 * - `kicked` — this user was disconnected by a moderator or DisconnectUser;
 * - `room-deleted` — the room was deleted (reported by ivs-local; against AWS a deleted room looks like `server-disconnect`);
 * - `fetch-token-error` — the token provider kept failing until the attempts ran out;
 * - `attempts-exhausted` — connection attempts kept failing until the attempts ran out.
 */
export type ChatStopReason = 'user' | 'server-disconnect' | 'kicked' | 'room-deleted' | 'fetch-token-error' | 'attempts-exhausted';

/** Events of a {@link ChatSession}; each carries one object payload. */
export type ChatSessionEvents = {
  /** The state changed. `reason` says why it stopped (`disconnected`) or `connection-lost` (`reconnecting`). */
  stateChanged: { state: ChatSessionState; previous: ChatSessionState; reason: ChatStopReason | 'connection-lost' | undefined };
  message: ChatMessage;
  event: ChatEvent;
  messageDeleted: MessageDeletedEvent;
  userDisconnected: UserDisconnectedEvent;
  /** The session stopped and will not reconnect by itself. Emitted once per `connect()`. */
  disconnected: { reason: ChatStopReason; error: IvsRealtimeError | undefined };
  /** A non-fatal problem: a failed attempt that will be retried, a token provider error, a lost request. */
  error: { error: IvsRealtimeError };
};

// ---------------------------------------------------------------------------------------------
// Structural subset of amazon-ivs-chat-messaging's ChatRoom (public API of version 1.1.x).

/** Logger accepted by ChatRoom. */
export interface ChatRoomLogger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

/** A message as ChatRoom parses it. */
export interface RoomChatMessage {
  id: string;
  sender: { userId: string; attributes?: Record<string, string> };
  content: string;
  sendTime: Date;
  requestId?: string;
  attributes?: Record<string, string>;
}

/** An event as ChatRoom parses it. */
export interface RoomChatEvent {
  id: string;
  eventName: string;
  sendTime: Date;
  requestId?: string;
  attributes?: Record<string, string>;
}

/** A message deletion as ChatRoom parses it. */
export interface RoomDeleteMessageEvent extends Omit<RoomChatEvent, 'eventName'> {
  messageId: string;
  reason?: string;
}

/** A user disconnection as ChatRoom parses it. */
export interface RoomDisconnectUserEvent extends Omit<RoomChatEvent, 'eventName'> {
  userId: string;
  reason?: string;
}

/** Listener map of ChatRoom. */
export interface ChatRoomListeners {
  connecting: () => unknown;
  connect: () => unknown;
  disconnect: (reason: 'clientDisconnect' | 'serverDisconnect' | 'socketError' | 'fetchTokenError') => unknown;
  message: (message: RoomChatMessage) => unknown;
  event: (event: RoomChatEvent) => unknown;
  messageDelete: (event: RoomDeleteMessageEvent) => unknown;
  userDisconnect: (event: RoomDisconnectUserEvent) => unknown;
}

/** The ChatRoom methods ChatSession uses. */
export interface ChatRoomLike {
  readonly state: 'disconnected' | 'connecting' | 'connected';
  logger: ChatRoomLogger;
  logLevel: 'debug' | 'info' | 'error';
  connect(): void;
  disconnect(): void;
  addListener<E extends keyof ChatRoomListeners>(eventName: E, listener: ChatRoomListeners[E]): () => void;
  sendMessage(request: { action: 'SEND_MESSAGE'; requestId: string; content: string; attributes?: Record<string, string> }): Promise<RoomChatMessage>;
  deleteMessage(request: { action: 'DELETE_MESSAGE'; requestId: string; id: string; reason?: string }): Promise<RoomDeleteMessageEvent>;
  disconnectUser(request: { action: 'DISCONNECT_USER'; requestId: string; userId: string; reason?: string }): Promise<RoomDisconnectUserEvent>;
}

/** The `ChatRoom` class of `amazon-ivs-chat-messaging` (or a compatible one). */
export type ChatRoomConstructor = new (config: {
  regionOrUrl: string;
  tokenProvider: () => Promise<ChatToken>;
  maxReconnectAttempts?: number;
  id?: string;
}) => ChatRoomLike;

// ---------------------------------------------------------------------------------------------
// Between ChatSession and its connection engine (chat-connection.ts, loaded on the first connect()):
// declared here so that both halves import them and neither imports the other for types.

/** A request waiting for the server's answer. */
export interface Pending {
  readonly requestId: string;
  timer: ReturnType<typeof setTimeout> | undefined;
  reject(error: IvsRealtimeError): void;
}

/** A `send()` waiting for a connection or for its acknowledgement. */
export interface PendingSend extends Pending {
  readonly content: string;
  readonly attributes: Record<string, string> | undefined;
  resolve(message: ChatMessage): void;
}

/** Settings of the session, resolved and checked by its constructor. */
export interface ChatConnectionConfig {
  readonly policy: ReconnectPolicy;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly logger: Logger | undefined;
  readonly random: () => number;
}

/** The session's queue of sends as its connection engine uses it: the next send, or one put back. */
export interface PendingSends {
  readonly size: number;
  next(): PendingSend | undefined;
  putBack(item: PendingSend): void;
}

/** What a connection needs from its session (one per `connect()` call). */
export interface ChatConnectionHost {
  readonly regionOrUrl: string;
  readonly tokenProvider: ChatTokenProvider;
  /** The session's send queue (the session bounds it and drains it when it stops). */
  readonly queue: PendingSends;
  /** Whether this `connect()` call is still the session's current one. */
  current(): boolean;
  state(): ChatSessionState;
  setState(state: 'connected' | 'reconnecting', reason: 'connection-lost' | undefined): void;
  /** The user id given to `connect()` or learned from an acknowledged send. */
  userId(): string | undefined;
  /** Records this connection's user id if it is not known yet. */
  learnUserId(userId: string): void;
  /** The first connection is up: resolves `connect()`. */
  connected(): void;
  stop(reason: ChatStopReason, error: IvsRealtimeError | undefined): void;
  emit<K extends keyof ChatSessionEvents>(event: K, payload: ChatSessionEvents[K]): void;
}
