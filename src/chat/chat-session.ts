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
 *
 * This module is the part an app loads with the package: state, argument checks and the send
 * queue. The connection engine (`chat-connection.ts`) is imported on the first `connect()`.
 */
import { AbortedError, ChatError, InvalidStateError, LoadError, ValidationError, type IvsRealtimeError } from '../core/errors';
import { chunkLoadFailure, loadOnce } from '../core/load-once';
import { TypedEmitter } from '../core/emitter';
import { listenerErrorsTo, type Logger } from '../core/logger';
import { resolveReconnectPolicy, type ReconnectPolicy } from './reconnect-policy';
import type * as Engine from './chat-connection';
import type { ChatConnection } from './chat-connection';
import { newRequestId } from './request-id';
import { SendQueue } from './send-queue';
import type {
  ChatConnectionConfig,
  PendingSend,
  ChatMessage,
  ChatRoomConstructor,
  ChatSessionEvents,
  ChatSessionState,
  ChatStopReason,
  ChatTokenProvider,
  MessageDeletedEvent,
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
  /**
   * Receives diagnostics: ChatRoom's internal log lines (none are printed without a logger) and
   * event listeners that throw (`logger.error`; default `console.error`).
   */
  logger?: Logger;
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
   * this user exactly; without it the session learns the id from the tokens' `userId` (results of
   * `ControlPlane.mintChatToken` carry it) or else from its own acknowledged messages.
   */
  userId?: string;
}

/** State of one `connect()` call, until it stops. */
interface Run {
  readonly userId: string | undefined;
  /** The engine, once loaded. */
  connection: ChatConnection | undefined;
  settleConnect: { resolve(): void; reject(error: IvsRealtimeError): void } | undefined;
  detachSignal: (() => void) | undefined;
}

type EngineModule = typeof Engine;

/** Set once loaded, so later `connect()` calls open their room without waiting a tick. */
let loadedEngine: EngineModule | undefined;

const loadEngine = loadOnce(
  (): Promise<EngineModule> => import('./chat-connection').then((module) => (loadedEngine = module)),
  (error) => new LoadError("ChatSession's connection module", chunkLoadFailure("ChatSession's connection module", error, 'then call connect() again'), { cause: error }),
);

const loadChatRoomClass = loadOnce(
  (): Promise<ChatRoomConstructor> => import('amazon-ivs-chat-messaging').then((module) => module.ChatRoom),
  (error) =>
    new LoadError(
      'amazon-ivs-chat-messaging',
      'Could not load amazon-ivs-chat-messaging, which ChatSession needs. Install it next to this package: npm install amazon-ivs-chat-messaging',
      { cause: error },
    ),
);

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
  #config: ChatConnectionConfig;
  #maxQueuedSends: number;

  #state: ChatSessionState = 'idle';
  #stopReason: ChatStopReason | undefined;
  #disposed = false;
  #run: Run | undefined;
  #learnedUserId: string | undefined;
  readonly #queue = new SendQueue();

  constructor(options: ChatSessionOptions = {}) {
    super(listenerErrorsTo(options.logger));
    this.#roomClass = options.chatRoomClass;
    this.#config = {
      policy: resolveReconnectPolicy(options.reconnect),
      requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, 10_000),
      connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 15_000),
      logger: options.logger,
      random: options.random ?? Math.random,
    };
    this.#maxQueuedSends = nonNegativeInteger('maxQueuedSends', options.maxQueuedSends, 50);
  }

  /** Current connection state. */
  get state(): ChatSessionState {
    return this.#state;
  }

  /** Why the session last stopped (`undefined` before the first stop and while running). */
  get stopReason(): ChatStopReason | undefined {
    return this.#stopReason;
  }

  /** This connection's user id, when known (given to `connect()`, or learned from its token or an acknowledged send). */
  get userId(): string | undefined {
    return this.#run?.userId ?? this.#learnedUserId;
  }

  /** Sends waiting for a connection. */
  get queuedSends(): number {
    return this.#queue.size;
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
    const { tokenProvider, signal } = options;
    if (typeof tokenProvider !== 'function') {
      throw new ValidationError('tokenProvider', 'must be a function returning a Promise of the CreateChatToken response ({ token, … }).');
    }
    const userId = options.userId === undefined ? undefined : validateNonEmpty('userId', options.userId, MAX_USER_ID_LENGTH);
    if (signal?.aborted) throw new AbortedError('connect() was aborted before it started.', { cause: signal.reason });

    const run: Run = { userId, connection: undefined, settleConnect: undefined, detachSignal: undefined };
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

    let engine = loadedEngine;
    let RoomClass = this.#roomClass;
    if (!engine || !RoomClass) {
      try {
        [engine, RoomClass] = await Promise.all([loadEngine(), RoomClass ?? loadChatRoomClass()]);
      } catch (error) {
        if (this.#run === run) {
          // Nothing was attempted: back to idle, no `disconnected` event.
          this.#run = undefined;
          run.detachSignal?.();
          run.settleConnect = undefined;
          this.#setState('idle', undefined);
        } else {
          connected.catch(() => {}); // Stopped meanwhile: `error` is the answer.
        }
        throw error;
      }
      this.#roomClass ??= RoomClass;
    }
    if (this.#run !== run) return connected;

    // The engine's view of this session, valid for this `connect()` call only.
    run.connection = new engine.ChatConnection(
      {
        regionOrUrl,
        tokenProvider,
        queue: this.#queue,
        current: () => this.#run === run,
        state: () => this.#state,
        setState: (state, reason) => this.#setState(state, reason),
        userId: () => this.userId,
        learnUserId: (id) => {
          this.#learnedUserId ??= id;
        },
        connected: () => {
          this.#setState('connected', undefined);
          const settle = run.settleConnect;
          run.settleConnect = undefined;
          settle?.resolve();
        },
        stop: (reason, error) => this.#stop(run, reason, error),
        emit: (event, payload) => this.emit(event, payload),
      },
      RoomClass,
      this.#config,
    );
    run.connection.open();
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
      const item: PendingSend = { requestId: newRequestId(), content: text, attributes: attrs, timer: undefined, resolve, reject };
      if (this.#queue.size === 0 && run.connection?.canDispatch()) {
        run.connection.dispatchSend(item);
      } else if (this.#queue.size >= this.#maxQueuedSends) {
        reject(
          new ChatError(
            'queue-full',
            `${this.#queue.size} messages are already waiting for the connection (maxQueuedSends). Wait for the 'connected' state before sending more.`,
            { requestId: item.requestId },
          ),
        );
      } else {
        this.#queue.add(item);
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
    return this.#requireConnected('deleteMessage()').deleteMessage(id, why);
  }

  /**
   * Disconnects every connection of a user (needs the DISCONNECT_USER capability). Resolves when
   * the server announced it. Requires a connected session.
   */
  async disconnectUser(userId: string, reason?: string): Promise<UserDisconnectedEvent> {
    const target = validateNonEmpty('userId', userId, MAX_USER_ID_LENGTH);
    const why = validateReason(reason);
    return this.#requireConnected('disconnectUser()').disconnectUser(target, why);
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

  #stop(run: Run, reason: ChatStopReason, error: IvsRealtimeError | undefined): void {
    if (this.#run !== run) return;
    this.#run = undefined;
    const connection = run.connection;
    connection?.close();
    run.detachSignal?.();

    const failure = (requestId: string) =>
      this.#disposed
        ? new ChatError('disposed', 'The ChatSession was disposed before the request completed.', { requestId })
        : new ChatError('not-connected', `The chat session stopped (${reason}) before the request completed.`, { requestId });
    for (const item of this.#queue.drain()) item.reject(failure(item.requestId));
    connection?.failInflight(failure);

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

  #requireConnected(action: string): ChatConnection {
    const connection = this.#requireRun(action).connection;
    if (!connection?.canDispatch()) throw new ChatError('not-connected', `${action} needs a connected session (it is ${this.#state}); try again once connected.`);
    return connection;
  }

  #setState(state: ChatSessionState, reason: ChatStopReason | 'connection-lost' | undefined): void {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.emit('stateChanged', { state, previous, reason });
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ValidationError(name, `must be a positive number of milliseconds (got ${String(value)}).`);
  return value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new ValidationError(name, `must be an integer ≥ 0 (got ${String(value)}).`);
  return value;
}
