/**
 * ChatSession: an IVS Chat room connection for apps, over the `ChatRoom` of
 * `amazon-ivs-chat-messaging` (loaded on first `connect()`).
 *
 * What it adds to ChatRoom:
 * - states with reasons (`idle → connecting → connected ⇄ reconnecting → disconnected`);
 * - reconnects with exponential backoff, full jitter and a cap, on top of ChatRoom's own immediate
 *   retry, with an attempt limit and a minimum uptime before the counter resets; waits are abortable;
 * - `send()` resolves with the server's acknowledgement (the echoed message) or rejects with a
 *   typed {@link ChatError}; sends made while (re)connecting are queued (bounded) and sent once;
 * - a request timeout (ChatRoom waits forever for an answer that may never come);
 * - stop reasons that tell a kick, a deleted room and a server disconnect apart.
 */
import { AbortedError, ChatError, InvalidStateError, ValidationError, type IvsRealtimeError } from '../core/errors';
import { TypedEmitter } from '../core/emitter';
import { backoffDelay, resolveReconnectPolicy, sleep, type ReconnectPolicy } from './backoff';
import type {
  ChatEvent,
  ChatMessage,
  ChatRoomConstructor,
  ChatRoomLike,
  ChatRoomListeners,
  ChatRoomLogger,
  ChatSessionEvents,
  ChatSessionState,
  ChatStopReason,
  ChatToken,
  ChatTokenProvider,
  MessageDeletedEvent,
  RoomChatMessage,
  RoomDeleteMessageEvent,
  RoomDisconnectUserEvent,
  UserDisconnectedEvent,
} from './types';
import {
  MAX_USER_ID_LENGTH,
  validateAttributes,
  validateContent,
  validateNonEmpty,
  validateReason,
  validateRegionOrUrl,
} from './validate';

/** Event ivs-local sends before closing the sockets of a deleted room (see `src/local/chat/frames.ts`). */
const ROOM_DELETED_EVENT = 'ivs-local:ROOM_DELETED';
/** Without a known user id, a server close this soon after a `userDisconnect` event counts as a kick. */
const KICK_WINDOW_MS = 2000;

/** Options of {@link ChatSession}. */
export interface ChatSessionOptions {
  /**
   * The `ChatRoom` class to use. Default: `ChatRoom` from `amazon-ivs-chat-messaging`, imported on
   * the first `connect()`. ChatRoom uses the global `WebSocket`; in Node < 22 assign one first
   * (e.g. `globalThis.WebSocket = (await import('ws')).WebSocket`).
   */
  chatRoomClass?: ChatRoomConstructor;
  /** Reconnect timing; see {@link ReconnectPolicy} for the defaults. */
  reconnect?: Partial<ReconnectPolicy>;
  /** How long a request waits for the server's answer before it fails with `timeout`. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** How long one connection attempt may take (token fetch + handshake). Default 15 000 ms. */
  connectTimeoutMs?: number;
  /** Sends kept while (re)connecting; more fail with `queue-full`. Default 50. */
  maxQueuedSends?: number;
  /** Receives ChatRoom's internal log lines. Default: none are printed. */
  logger?: ChatRoomLogger;
  /** Source of randomness for the backoff jitter (tests). Default `Math.random`. */
  random?: () => number;
}

/** Arguments of {@link ChatSession.connect}. */
export interface ChatConnectOptions {
  /** AWS region of the room (e.g. `us-west-2`), or a `ws://`/`wss://` URL such as ivs-local's `ws://127.0.0.1:PORT/chat`. */
  regionOrUrl: string;
  /** Fetches a fresh chat token from your backend; called before every connection attempt. */
  tokenProvider: ChatTokenProvider;
  /** Aborting it cancels connecting and, once connected, disconnects (reason `user`). */
  signal?: AbortSignal;
  /**
   * The user id in the chat tokens, when the app knows it. Lets the session recognise a kick of
   * this user exactly; without it the session learns the id from its own acknowledged messages.
   */
  userId?: string;
}

interface Pending {
  readonly requestId: string;
  timer: ReturnType<typeof setTimeout> | undefined;
  reject(error: IvsRealtimeError): void;
}

interface PendingSend extends Pending {
  readonly content: string;
  readonly attributes: Record<string, string> | undefined;
  resolve(message: ChatMessage): void;
}

/** State of one `connect()` call, until it stops. */
interface Run {
  readonly regionOrUrl: string;
  readonly tokenProvider: ChatTokenProvider;
  readonly userId: string | undefined;
  readonly abort: AbortController;
  roomClass: ChatRoomConstructor | undefined;
  room: ChatRoomLike | undefined;
  detachRoom: (() => void) | undefined;
  connectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Failed attempts in a row. */
  attempts: number;
  connectedAt: number | undefined;
  /** A 401 was answered: ChatRoom is about to reconnect, so new sends wait in the queue. */
  reauthPending: boolean;
  tokenError: unknown;
  kick: { userId: string; at: number } | undefined;
  roomDeleted: boolean;
  settleConnect: { resolve(): void; reject(error: IvsRealtimeError): void } | undefined;
  detachSignal: (() => void) | undefined;
}

let chatMessagingImport: Promise<ChatRoomConstructor> | undefined;

function loadChatRoomClass(): Promise<ChatRoomConstructor> {
  chatMessagingImport ??= import('amazon-ivs-chat-messaging').then(
    (module) => module.ChatRoom,
    (error: unknown) => {
      chatMessagingImport = undefined;
      throw new ChatError(
        'not-connected',
        'Could not load amazon-ivs-chat-messaging, which ChatSession needs. Install it next to this package: npm install amazon-ivs-chat-messaging',
        { cause: error },
      );
    },
  );
  return chatMessagingImport;
}

const silentLogger: ChatRoomLogger = { debug() {}, info() {}, error() {} };

function uuidV4(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toChatMessage(message: RoomChatMessage): ChatMessage {
  return {
    id: message.id,
    content: message.content,
    attributes: { ...(message.attributes ?? {}) },
    sender: { userId: message.sender.userId, attributes: { ...(message.sender.attributes ?? {}) } },
    sendTime: message.sendTime,
    requestId: message.requestId,
  };
}

function toMessageDeleted(event: RoomDeleteMessageEvent): MessageDeletedEvent {
  return { id: event.id, messageId: event.messageId, reason: event.reason, sendTime: event.sendTime, requestId: event.requestId };
}

function toUserDisconnected(event: RoomDisconnectUserEvent): UserDisconnectedEvent {
  return { id: event.id, userId: event.userId, reason: event.reason, sendTime: event.sendTime, requestId: event.requestId };
}

/** Turns what ChatRoom rejects a request with (`{ errorCode, errorMessage, requestId }`) into a ChatError. */
function toChatError(raw: unknown, requestId: string, action: string): ChatError {
  if (typeof raw === 'object' && raw !== null && typeof (raw as { errorCode?: unknown }).errorCode === 'number') {
    const { errorCode, errorMessage } = raw as { errorCode: number; errorMessage?: unknown };
    const text = typeof errorMessage === 'string' ? errorMessage : 'no message';
    return new ChatError(ChatError.reasonForCode(errorCode), `${action} was refused by the chat server (${errorCode}): ${text}`, {
      errorCode,
      requestId,
      cause: raw,
    });
  }
  return new ChatError('server-error', `${action} failed: ${describe(raw)}`, { requestId, cause: raw });
}

/**
 * A connection to one IVS Chat room.
 *
 * @example
 * ```ts
 * const chat = new ChatSession();
 * chat.on('message', (message) => render(message));
 * chat.on('messageDeleted', ({ messageId }) => remove(messageId));
 * chat.on('disconnected', ({ reason }) => showBanner(reason)); // 'kicked', 'room-deleted', …
 *
 * await chat.connect({
 *   regionOrUrl: 'us-west-2',
 *   // Called on every (re)connect: chat tokens are single-use.
 *   tokenProvider: () => fetch('/api/chat-token', { method: 'POST' }).then((r) => r.json()),
 * });
 * const sent = await chat.send('hello', { color: 'teal' }); // resolves when the server acknowledged it
 * ```
 */
export class ChatSession extends TypedEmitter<ChatSessionEvents> {
  #roomClass: ChatRoomConstructor | undefined;
  #policy: ReconnectPolicy;
  #requestTimeoutMs: number;
  #connectTimeoutMs: number;
  #maxQueuedSends: number;
  #logger: ChatRoomLogger;
  #random: () => number;

  #state: ChatSessionState = 'idle';
  #stopReason: ChatStopReason | undefined;
  #disposed = false;
  #run: Run | undefined;
  #learnedUserId: string | undefined;
  #queue: PendingSend[] = [];
  #inflight = new Map<string, Pending>();

  constructor(options: ChatSessionOptions = {}) {
    super();
    this.#roomClass = options.chatRoomClass;
    this.#policy = resolveReconnectPolicy(options.reconnect);
    this.#requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs, 10_000);
    this.#connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 15_000);
    this.#maxQueuedSends = nonNegativeInteger('maxQueuedSends', options.maxQueuedSends, 50);
    this.#logger = options.logger ?? silentLogger;
    this.#random = options.random ?? Math.random;
  }

  /** Current connection state. */
  get state(): ChatSessionState {
    return this.#state;
  }

  /** Why the session last stopped (`undefined` before the first stop and while running). */
  get stopReason(): ChatStopReason | undefined {
    return this.#stopReason;
  }

  /** This connection's user id, when known (given to `connect()` or learned from an acknowledged send). */
  get userId(): string | undefined {
    return this.#run?.userId ?? this.#learnedUserId;
  }

  /** Sends waiting for a connection. */
  get queuedSends(): number {
    return this.#queue.length;
  }

  /**
   * Connects to the room. Resolves once connected; rejects with {@link AbortedError} if the signal
   * aborts or `disconnect()` is called first, or with a {@link ChatError} when the session stops
   * before connecting (attempts exhausted, token provider failing, kicked…).
   * After it resolves, the session reconnects by itself until it stops (see the `disconnected` event).
   */
  async connect(options: ChatConnectOptions): Promise<void> {
    if (this.#disposed) throw new InvalidStateError('disposed', 'This ChatSession was disposed; create a new one.');
    if (this.#run) throw new InvalidStateError(this.#state, `connect() was called while the session is ${this.#state}; call disconnect() first.`);
    if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'connect() needs { regionOrUrl, tokenProvider }.');
    const regionOrUrl = validateRegionOrUrl(options.regionOrUrl);
    if (typeof options.tokenProvider !== 'function') {
      throw new ValidationError('tokenProvider', 'must be a function returning a Promise of the CreateChatToken response ({ token, … }).');
    }
    const userId = options.userId === undefined ? undefined : validateNonEmpty('userId', options.userId, MAX_USER_ID_LENGTH);
    const { signal } = options;
    if (signal?.aborted) throw new AbortedError('connect() was aborted before it started.', { cause: signal.reason });

    const run: Run = {
      regionOrUrl,
      tokenProvider: options.tokenProvider,
      userId,
      abort: new AbortController(),
      roomClass: this.#roomClass,
      room: undefined,
      detachRoom: undefined,
      connectTimer: undefined,
      attempts: 0,
      connectedAt: undefined,
      reauthPending: false,
      tokenError: undefined,
      kick: undefined,
      roomDeleted: false,
      settleConnect: undefined,
      detachSignal: undefined,
    };
    const connected = new Promise<void>((resolve, reject) => {
      run.settleConnect = { resolve, reject };
    });
    this.#run = run;
    this.#stopReason = undefined;
    this.#learnedUserId = undefined;
    this.#setState('connecting', undefined);

    if (signal) {
      const onAbort = () => this.#stop(run, 'user', new AbortedError('The chat connection was aborted.', { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      run.detachSignal = () => signal.removeEventListener('abort', onAbort);
    }

    if (!run.roomClass) {
      try {
        run.roomClass = await loadChatRoomClass();
      } catch (error) {
        if (this.#run === run) {
          // Nothing was attempted: back to idle, no `disconnected` event.
          this.#run = undefined;
          run.detachSignal?.();
          run.settleConnect = undefined;
          this.#setState('idle', undefined);
        }
        throw error;
      }
      this.#roomClass ??= run.roomClass;
    }
    if (this.#run === run) this.#openRoom(run);
    return connected;
  }

  /**
   * Sends a message. Resolves with the message as the server delivered it (id, sender, time) once
   * acknowledged; rejects with {@link ValidationError} for bad input (nothing is sent) or
   * {@link ChatError}: `forbidden` (no SEND_MESSAGE capability), `bad-request`/`too-large` (over the
   * room's limits), `rate-limited`, `timeout`, `queue-full`, `not-connected`, `disposed`.
   * While (re)connecting the message waits in a bounded queue and is sent once connected.
   */
  async send(content: string, attributes?: Record<string, string>): Promise<ChatMessage> {
    const text = validateContent(content);
    const attrs = validateAttributes(attributes);
    const run = this.#requireRun('send()');
    return new Promise<ChatMessage>((resolve, reject) => {
      const item: PendingSend = { requestId: uuidV4(), content: text, attributes: attrs, timer: undefined, resolve, reject };
      if (this.#queue.length === 0 && this.#canDispatch(run)) {
        this.#dispatchSend(run, item);
      } else if (this.#queue.length >= this.#maxQueuedSends) {
        reject(
          new ChatError(
            'queue-full',
            `${this.#queue.length} messages are already waiting for the connection (maxQueuedSends). Wait for the 'connected' state before sending more.`,
            { requestId: item.requestId },
          ),
        );
      } else {
        this.#queue.push(item);
      }
    });
  }

  /**
   * Deletes a message for everyone (needs the DELETE_MESSAGE capability). Resolves when the server
   * broadcast the deletion. Requires a connected session.
   */
  async deleteMessage(messageId: string, reason?: string): Promise<MessageDeletedEvent> {
    const id = validateNonEmpty('messageId', messageId, 128);
    const why = validateReason(reason);
    const run = this.#requireConnected('deleteMessage()');
    return this.#request(run, 'deleteMessage()', (room, requestId) =>
      room.deleteMessage({ action: 'DELETE_MESSAGE', requestId, id, ...(why === undefined ? {} : { reason: why }) }).then(toMessageDeleted),
    );
  }

  /**
   * Disconnects every connection of a user (needs the DISCONNECT_USER capability). Resolves when
   * the server announced it. Requires a connected session.
   */
  async disconnectUser(userId: string, reason?: string): Promise<UserDisconnectedEvent> {
    const target = validateNonEmpty('userId', userId, MAX_USER_ID_LENGTH);
    const why = validateReason(reason);
    const run = this.#requireConnected('disconnectUser()');
    return this.#request(run, 'disconnectUser()', (room, requestId) =>
      room
        .disconnectUser({ action: 'DISCONNECT_USER', requestId, userId: target, ...(why === undefined ? {} : { reason: why }) })
        .then(toUserDisconnected),
    );
  }

  /** Leaves the room (reason `user`). Queued and unacknowledged sends fail with `not-connected`. Safe to call any time. */
  disconnect(): void {
    if (this.#run) this.#stop(this.#run, 'user', undefined);
  }

  /** Disconnects and releases everything; the session cannot be used again. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.disconnect();
    this.removeAllListeners();
  }

  // -------------------------------------------------------------------------------------------
  // Connection management

  #openRoom(run: Run): void {
    const RoomClass = run.roomClass;
    if (!RoomClass || this.#run !== run) return;
    let room: ChatRoomLike;
    try {
      room = new RoomClass({
        regionOrUrl: run.regionOrUrl,
        tokenProvider: () => this.#fetchToken(run),
        // One attempt per ChatRoom.connect(): ChatRoom retries immediately, so the session drives
        // the retries itself, with backoff (ChatRoom still reconnects once, at once, after a drop).
        maxReconnectAttempts: 0,
      });
      room.logger = this.#logger;
      room.logLevel = this.#logger === silentLogger ? 'error' : 'debug';
    } catch (error) {
      this.#stop(run, 'attempts-exhausted', new ChatError('not-connected', `Could not create the chat room connection: ${describe(error)}`, { cause: error }));
      return;
    }
    const on = <E extends keyof ChatRoomListeners>(event: E, listener: ChatRoomListeners[E]) => room.addListener(event, listener);
    const offs = [
      on('connecting', () => this.#onRoomConnecting(run, room)),
      on('connect', () => this.#onRoomConnect(run, room)),
      on('disconnect', (reason) => this.#onRoomDisconnect(run, room, reason)),
      on('message', (message) => this.#onRoomMessage(run, message)),
      on('event', (event) => this.#onRoomEvent(run, event)),
      on('messageDelete', (event) => this.#current(run) && this.emit('messageDeleted', toMessageDeleted(event))),
      on('userDisconnect', (event) => this.#onRoomUserDisconnect(run, event)),
    ];
    run.room = room;
    run.detachRoom = () => {
      for (const off of offs) off();
    };
    this.#armConnectTimer(run, room);
    try {
      room.connect();
    } catch (error) {
      this.#failAttempt(run, room, 'socket', error);
    }
  }

  async #fetchToken(run: Run): Promise<ChatToken> {
    if (!this.#current(run)) throw new Error('This chat session has stopped.');
    try {
      const token = await run.tokenProvider();
      if (typeof token !== 'object' || token === null || typeof token.token !== 'string' || token.token.length === 0) {
        throw new ValidationError('tokenProvider', 'must resolve to the CreateChatToken response: { token: string, tokenExpirationTime?, sessionExpirationTime? }.');
      }
      run.tokenError = undefined;
      // ChatRoom uses tokenExpirationTime only to schedule a seamless refresh of the connection
      // (60 s before it, or 30 s when less than a minute is left). A token only needs to be valid
      // to *open* a connection, which then lives until sessionExpirationTime; IVS tokens may be
      // valid for just a minute, which would replace the connection every ~30 s. Refresh before
      // the session ends instead.
      const refreshBy = token.sessionExpirationTime ?? token.tokenExpirationTime;
      return { token: token.token, ...(refreshBy === undefined ? {} : { tokenExpirationTime: refreshBy }) };
    } catch (error) {
      run.tokenError = error;
      if (this.#current(run)) {
        this.#emitError(new ChatError('not-connected', `The chat token provider failed: ${describe(error)}`, { cause: error }));
      }
      throw error;
    }
  }

  #armConnectTimer(run: Run, room: ChatRoomLike): void {
    clearTimeout(run.connectTimer);
    run.connectTimer = setTimeout(() => {
      if (run.room !== room || room.state === 'connected') return;
      this.#failAttempt(run, room, 'socket', new Error(`no connection within ${this.#connectTimeoutMs} ms`));
    }, this.#connectTimeoutMs);
  }

  /** Drops the current ChatRoom after a failed attempt and schedules the next one. */
  #failAttempt(run: Run, room: ChatRoomLike, kind: 'socket' | 'token', detail: unknown): void {
    if (run.room !== room) return;
    this.#releaseRoom(run);
    this.#retry(run, kind, detail);
  }

  #releaseRoom(run: Run): void {
    clearTimeout(run.connectTimer);
    run.connectTimer = undefined;
    const room = run.room;
    run.detachRoom?.();
    run.detachRoom = undefined;
    run.room = undefined;
    if (room && room.state !== 'disconnected') {
      try {
        room.disconnect();
      } catch {
        // Already closing.
      }
    }
  }

  #onRoomConnecting(run: Run, room: ChatRoomLike): void {
    if (run.room !== room) return;
    if (this.#state === 'connected') {
      // ChatRoom lost an open connection (or answered a 401) and reconnects at once by itself.
      this.#connectionLost(run);
      this.#setState('reconnecting', 'connection-lost');
    }
    this.#armConnectTimer(run, room);
  }

  #onRoomConnect(run: Run, room: ChatRoomLike): void {
    if (run.room !== room) return;
    clearTimeout(run.connectTimer);
    run.connectTimer = undefined;
    run.connectedAt = Date.now();
    run.reauthPending = false;
    run.kick = undefined;
    this.#setState('connected', undefined);
    const settle = run.settleConnect;
    run.settleConnect = undefined;
    settle?.resolve();
    this.#flushQueue(run);
  }

  #onRoomDisconnect(run: Run, room: ChatRoomLike, reason: Parameters<ChatRoomListeners['disconnect']>[0]): void {
    if (run.room !== room) return;
    if (reason === 'serverDisconnect' || reason === 'clientDisconnect') {
      const stop: ChatStopReason = run.roomDeleted ? 'room-deleted' : this.#wasKicked(run) ? 'kicked' : reason === 'clientDisconnect' ? 'user' : 'server-disconnect';
      this.#stop(run, stop, undefined);
      return;
    }
    if (this.#state === 'connected') {
      this.#connectionLost(run);
      this.#setState('reconnecting', 'connection-lost');
    }
    this.#failAttempt(run, room, reason === 'fetchTokenError' ? 'token' : 'socket', run.tokenError);
  }

  /** An open connection was lost: apply `minUptime`, fail requests whose answer can no longer arrive. */
  #connectionLost(run: Run): void {
    if (run.connectedAt !== undefined && Date.now() - run.connectedAt >= this.#policy.minUptimeMs) run.attempts = 0;
    run.connectedAt = undefined;
    for (const pending of [...this.#inflight.values()]) {
      this.#settle(pending);
      pending.reject(
        new ChatError(
          'not-connected',
          'The connection was lost before the server answered; the request may or may not have taken effect.',
          { requestId: pending.requestId },
        ),
      );
    }
  }

  #retry(run: Run, kind: 'socket' | 'token', detail: unknown): void {
    if (!this.#current(run)) return;
    run.attempts += 1;
    const error =
      kind === 'token'
        ? new ChatError('not-connected', `Could not get a chat token: ${describe(detail)}`, { cause: detail })
        : new ChatError('not-connected', `Could not connect to the chat server at ${run.regionOrUrl}${detail ? ` (${describe(detail)})` : ''}.`, {
            cause: detail,
          });
    if (run.attempts > this.#policy.maxAttempts) {
      this.#stop(run, kind === 'token' ? 'fetch-token-error' : 'attempts-exhausted', error);
      return;
    }
    if (kind === 'socket') this.#emitError(error);
    const delay = backoffDelay(run.attempts, this.#policy, this.#random);
    sleep(delay, run.abort.signal).then(
      () => {
        if (this.#current(run) && !run.room) this.#openRoom(run);
      },
      () => {
        // Aborted: the session stopped during the wait.
      },
    );
  }

  #wasKicked(run: Run): boolean {
    const kick = run.kick;
    if (!kick) return false;
    const self = run.userId ?? this.#learnedUserId;
    if (self !== undefined) return kick.userId === self;
    return Date.now() - kick.at <= KICK_WINDOW_MS;
  }

  #stop(run: Run, reason: ChatStopReason, error: IvsRealtimeError | undefined): void {
    if (this.#run !== run) return;
    this.#run = undefined;
    run.abort.abort();
    run.detachSignal?.();
    this.#releaseRoom(run);

    const failure = (requestId: string) =>
      this.#disposed
        ? new ChatError('disposed', 'The ChatSession was disposed before the request completed.', { requestId })
        : new ChatError('not-connected', `The chat session stopped (${reason}) before the request completed.`, { requestId });
    const queued = this.#queue;
    this.#queue = [];
    for (const item of queued) item.reject(failure(item.requestId));
    for (const pending of [...this.#inflight.values()]) {
      this.#settle(pending);
      pending.reject(failure(pending.requestId));
    }

    this.#stopReason = reason;
    this.#setState('disconnected', reason);
    const settle = run.settleConnect;
    run.settleConnect = undefined;
    if (settle) {
      settle.reject(
        reason === 'user'
          ? error instanceof AbortedError
            ? error
            : new AbortedError('connect() was cancelled by disconnect().')
          : new ChatError('not-connected', `Could not connect to the chat room (${reason}).${error ? ` ${error.message}` : ''}`, { cause: error }),
      );
    }
    this.emit('disconnected', { reason, error });
  }

  // -------------------------------------------------------------------------------------------
  // Incoming traffic

  #onRoomMessage(run: Run, raw: RoomChatMessage): void {
    if (!this.#current(run)) return;
    const message = toChatMessage(raw);
    if (message.requestId !== undefined && this.#inflight.has(message.requestId) && this.#learnedUserId === undefined) {
      this.#learnedUserId = message.sender.userId;
    }
    this.emit('message', message);
  }

  #onRoomEvent(run: Run, raw: Parameters<ChatRoomListeners['event']>[0]): void {
    if (!this.#current(run)) return;
    if (raw.eventName === ROOM_DELETED_EVENT) {
      run.roomDeleted = true;
      return;
    }
    const event: ChatEvent = {
      id: raw.id,
      eventName: raw.eventName,
      attributes: { ...(raw.attributes ?? {}) },
      sendTime: raw.sendTime,
      requestId: raw.requestId,
    };
    this.emit('event', event);
  }

  #onRoomUserDisconnect(run: Run, raw: RoomDisconnectUserEvent): void {
    if (!this.#current(run)) return;
    const self = run.userId ?? this.#learnedUserId;
    if (self === undefined || raw.userId === self) run.kick = { userId: raw.userId, at: Date.now() };
    this.emit('userDisconnected', toUserDisconnected(raw));
  }

  // -------------------------------------------------------------------------------------------
  // Outgoing requests

  #canDispatch(run: Run): boolean {
    return this.#state === 'connected' && run.room?.state === 'connected' && !run.reauthPending;
  }

  #flushQueue(run: Run): void {
    while (this.#queue.length > 0 && this.#current(run) && this.#canDispatch(run)) {
      this.#dispatchSend(run, this.#queue.shift()!);
    }
  }

  #dispatchSend(run: Run, item: PendingSend): void {
    const room = run.room!;
    let acknowledged: Promise<RoomChatMessage>;
    try {
      acknowledged = room.sendMessage({
        action: 'SEND_MESSAGE',
        requestId: item.requestId,
        content: item.content,
        ...(item.attributes === undefined ? {} : { attributes: item.attributes }),
      });
    } catch {
      // ChatRoom left `connected` in between: keep the message for the next connection.
      this.#queue.unshift(item);
      return;
    }
    this.#track(item, 'send()');
    acknowledged.then(
      (message) => {
        if (!this.#settle(item)) return;
        if (this.#learnedUserId === undefined) this.#learnedUserId = message.sender.userId;
        item.resolve(toChatMessage(message));
      },
      (raw: unknown) => {
        if (!this.#settle(item)) return;
        const error = toChatError(raw, item.requestId, 'send()');
        if (error.errorCode === 401 && this.#current(run)) {
          // The session expired and the message was refused: ChatRoom reconnects with a new token;
          // send it again on the new connection (it was certainly not delivered).
          run.reauthPending = true;
          this.#queue.unshift(item);
          return;
        }
        item.reject(error);
      },
    );
  }

  async #request<T>(run: Run, action: string, perform: (room: ChatRoomLike, requestId: string) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { requestId: uuidV4(), timer: undefined, reject };
      let answered: Promise<T>;
      try {
        answered = perform(run.room!, pending.requestId);
      } catch (error) {
        reject(new ChatError('not-connected', `${action} could not be sent: ${describe(error)}`, { cause: error }));
        return;
      }
      this.#track(pending, action);
      answered.then(
        (value) => {
          if (this.#settle(pending)) resolve(value);
        },
        (raw: unknown) => {
          if (this.#settle(pending)) reject(toChatError(raw, pending.requestId, action));
        },
      );
    });
  }

  #track(pending: Pending, action: string): void {
    this.#inflight.set(pending.requestId, pending);
    pending.timer = setTimeout(() => {
      if (!this.#settle(pending)) return;
      pending.reject(
        new ChatError('timeout', `${action}: the chat server did not answer within ${this.#requestTimeoutMs} ms.`, { requestId: pending.requestId }),
      );
    }, this.#requestTimeoutMs);
  }

  /** Removes a request from the in-flight set; false if it was already settled. */
  #settle(pending: Pending): boolean {
    if (this.#inflight.get(pending.requestId) !== pending) return false;
    this.#inflight.delete(pending.requestId);
    clearTimeout(pending.timer);
    return true;
  }

  #requireRun(action: string): Run {
    if (this.#disposed) throw new ChatError('disposed', `${action} was called on a disposed ChatSession.`);
    const run = this.#run;
    if (!run) {
      throw new ChatError(
        'not-connected',
        this.#state === 'idle'
          ? `${action} needs a session: call connect() first.`
          : `${action}: the chat session is disconnected (${this.#stopReason ?? 'unknown'}); call connect() again.`,
      );
    }
    return run;
  }

  #requireConnected(action: string): Run {
    const run = this.#requireRun(action);
    if (!this.#canDispatch(run)) throw new ChatError('not-connected', `${action} needs a connected session (it is ${this.#state}); try again once connected.`);
    return run;
  }

  // -------------------------------------------------------------------------------------------

  #current(run: Run): boolean {
    return this.#run === run;
  }

  #setState(state: ChatSessionState, reason: ChatStopReason | 'connection-lost' | undefined): void {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.emit('stateChanged', { state, previous, reason });
  }

  #emitError(error: IvsRealtimeError): void {
    this.emit('error', { error });
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of milliseconds (got ${String(value)}).`);
  return value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be an integer ≥ 0 (got ${String(value)}).`);
  return value;
}
