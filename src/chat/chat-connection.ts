/**
 * (Internal module: not part of the public API.) The connection engine of {@link ChatSession}: drives one `ChatRoom` per attempt,
 * reconnects with backoff, sends and tracks requests until acknowledged, and maps ChatRoom's events
 * to the session's. Loaded on the first `connect()`, together with `amazon-ivs-chat-messaging`, so
 * an app pays for it only once it chats. One instance per `connect()` call, until the session stops.
 */
import { backoffDelay, sleep } from '../core/backoff';
import { ChatError, ValidationError, messageOf } from '../core/errors';
import { ROOM_DELETED_EVENT } from '../core/ivs-limits';
import { InflightRequests } from './inflight';
import { newRequestId } from './request-id';
import { chatRoomLogger, copy, silentLogger, toChatError, toChatMessage, toMessageDeleted, toUserDisconnected } from './room-mapping';
import type {
  ChatConnectionConfig,
  ChatConnectionHost,
  ChatRoomConstructor,
  ChatRoomLike,
  ChatRoomListeners,
  ChatStopReason,
  ChatToken,
  MessageDeletedEvent,
  Pending,
  PendingSend,
  RoomChatMessage,
  RoomDisconnectUserEvent,
  UserDisconnectedEvent,
} from './types';

/** Without a known user id, a server close this soon after a `userDisconnect` event counts as a kick. */
const KICK_WINDOW_MS = 2000;

/** One `connect()` call's connection, from the first attempt until the session stops. */
export class ChatConnection {
  readonly #host: ChatConnectionHost;
  readonly #RoomClass: ChatRoomConstructor;
  readonly #config: ChatConnectionConfig;
  /** Aborts the backoff waits once the session stops. */
  readonly #abort = new AbortController();
  readonly #inflight: InflightRequests;
  #room: ChatRoomLike | undefined;
  #detachRoom: (() => void) | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Failed attempts in a row. */
  #attempts = 0;
  #connectedAt: number | undefined;
  /** A 401 was answered: ChatRoom is about to reconnect, so new sends wait in the queue. */
  #reauthPending = false;
  #tokenError: unknown;
  #kick: { userId: string; at: number } | undefined;
  #roomDeleted = false;

  constructor(host: ChatConnectionHost, RoomClass: ChatRoomConstructor, config: ChatConnectionConfig) {
    this.#host = host;
    this.#RoomClass = RoomClass;
    this.#config = config;
    this.#inflight = new InflightRequests(config.requestTimeoutMs);
  }

  /** Whether a request can go out now (connected, and no re-authentication under way). */
  canDispatch(): boolean {
    return this.#host.state() === 'connected' && this.#room?.state === 'connected' && !this.#reauthPending;
  }

  /** Stops everything this connection runs: backoff waits, timers, the ChatRoom. */
  close(): void {
    this.#abort.abort();
    this.#releaseRoom();
  }

  /** Fails every request still waiting for an answer. */
  failInflight(failure: (requestId: string) => ChatError): void {
    for (const pending of this.#inflight.settleAll()) pending.reject(failure(pending.requestId));
  }

  deleteMessage(id: string, reason: string | undefined): Promise<MessageDeletedEvent> {
    return this.#request('deleteMessage()', (room, requestId) =>
      room.deleteMessage({ action: 'DELETE_MESSAGE', requestId, id, ...(reason === undefined ? {} : { reason }) }).then(toMessageDeleted),
    );
  }

  disconnectUser(userId: string, reason: string | undefined): Promise<UserDisconnectedEvent> {
    return this.#request('disconnectUser()', (room, requestId) =>
      room.disconnectUser({ action: 'DISCONNECT_USER', requestId, userId, ...(reason === undefined ? {} : { reason }) }).then(toUserDisconnected),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Connection management

  /** Opens a ChatRoom for the next attempt. */
  open(): void {
    if (!this.#host.current()) return;
    const { logger } = this.#config;
    let room: ChatRoomLike;
    try {
      room = new this.#RoomClass({
        regionOrUrl: this.#host.regionOrUrl,
        tokenProvider: () => this.#fetchToken(),
        // One attempt per ChatRoom.connect(): ChatRoom retries immediately, so the session drives
        // the retries itself, with backoff (ChatRoom still reconnects once, at once, after a drop).
        maxReconnectAttempts: 0,
      });
      room.logger = logger ? chatRoomLogger(logger) : silentLogger;
      room.logLevel = logger ? 'debug' : 'error';
    } catch (error) {
      this.#host.stop(
        'attempts-exhausted',
        new ChatError('not-connected', `Could not create the chat room connection: ${messageOf(error)}`, { cause: error }),
      );
      return;
    }
    const host = this.#host;
    const on = <E extends keyof ChatRoomListeners>(event: E, listener: ChatRoomListeners[E]) => room.addListener(event, listener);
    const offs = [
      on('connecting', () => this.#onRoomConnecting(room)),
      on('connect', () => this.#onRoomConnect(room)),
      on('disconnect', (reason) => this.#onRoomDisconnect(room, reason)),
      on('message', (message) => this.#onRoomMessage(message)),
      on('event', (event) => this.#onRoomEvent(event)),
      on('messageDelete', (event) => host.current() && host.emit('messageDeleted', toMessageDeleted(event))),
      on('userDisconnect', (event) => this.#onRoomUserDisconnect(event)),
    ];
    this.#room = room;
    this.#detachRoom = () => {
      for (const off of offs) off();
    };
    this.#armConnectTimer(room);
    try {
      room.connect();
    } catch (error) {
      this.#failAttempt(room, 'socket', error);
    }
  }

  async #fetchToken(): Promise<ChatToken> {
    const host = this.#host;
    if (!host.current()) throw new Error('This chat session has stopped.');
    try {
      const token = await host.tokenProvider();
      if (typeof token !== 'object' || token === null || typeof token.token !== 'string' || token.token.length === 0) {
        throw new ValidationError('tokenProvider', 'must resolve to the CreateChatToken response: { token: string, tokenExpirationTime?, sessionExpirationTime? }.');
      }
      this.#tokenError = undefined;
      if (typeof token.userId === 'string' && token.userId !== '') host.learnUserId(token.userId);
      // ChatRoom uses tokenExpirationTime only to schedule a seamless refresh of the connection
      // (60 s before it, or 30 s when less than a minute is left). A token only needs to be valid
      // to *open* a connection, which then lives until sessionExpirationTime; IVS tokens may be
      // valid for just a minute, which would replace the connection every ~30 s. Refresh before
      // the session ends instead.
      const refreshBy = token.sessionExpirationTime ?? token.tokenExpirationTime;
      return { token: token.token, ...(refreshBy === undefined ? {} : { tokenExpirationTime: refreshBy }) };
    } catch (error) {
      this.#tokenError = error;
      if (host.current()) {
        host.emit('error', { error: new ChatError('not-connected', `The chat token provider failed: ${messageOf(error)}`, { cause: error }) });
      }
      throw error;
    }
  }

  #armConnectTimer(room: ChatRoomLike): void {
    clearTimeout(this.#connectTimer);
    const { connectTimeoutMs } = this.#config;
    this.#connectTimer = setTimeout(() => {
      if (this.#room !== room || room.state === 'connected') return;
      this.#failAttempt(room, 'socket', new Error(`no connection within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
  }

  /** Drops the current ChatRoom after a failed attempt and schedules the next one. */
  #failAttempt(room: ChatRoomLike, kind: 'socket' | 'token', detail: unknown): void {
    if (this.#room !== room) return;
    this.#releaseRoom();
    this.#retry(kind, detail);
  }

  #releaseRoom(): void {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    const room = this.#room;
    this.#detachRoom?.();
    this.#detachRoom = undefined;
    this.#room = undefined;
    if (room && room.state !== 'disconnected') {
      try {
        room.disconnect();
      } catch {
        // Already closing.
      }
    }
  }

  /** If the session was connected, it is now reconnecting: ChatRoom lost the connection or answered a 401. */
  #markLost(): void {
    if (this.#host.state() !== 'connected') return;
    this.#connectionLost();
    this.#host.setState('reconnecting', 'connection-lost');
  }

  #onRoomConnecting(room: ChatRoomLike): void {
    if (this.#room !== room) return;
    // ChatRoom lost an open connection (or answered a 401) and reconnects at once by itself.
    this.#markLost();
    this.#armConnectTimer(room);
  }

  #onRoomConnect(room: ChatRoomLike): void {
    if (this.#room !== room) return;
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#connectedAt = Date.now();
    this.#reauthPending = false;
    this.#kick = undefined;
    this.#host.connected();
    this.flushQueue();
  }

  #onRoomDisconnect(room: ChatRoomLike, reason: Parameters<ChatRoomListeners['disconnect']>[0]): void {
    if (this.#room !== room) return;
    if (reason === 'serverDisconnect' || reason === 'clientDisconnect') {
      const stop: ChatStopReason = this.#roomDeleted
        ? 'room-deleted'
        : this.#wasKicked()
          ? 'kicked'
          : reason === 'clientDisconnect'
            ? 'user'
            : 'server-disconnect';
      this.#host.stop(stop, undefined);
      return;
    }
    this.#markLost();
    this.#failAttempt(room, reason === 'fetchTokenError' ? 'token' : 'socket', this.#tokenError);
  }

  /** An open connection was lost: apply `minUptime`, fail requests whose answer can no longer arrive. */
  #connectionLost(): void {
    if (this.#connectedAt !== undefined && Date.now() - this.#connectedAt >= this.#config.policy.minUptimeMs) this.#attempts = 0;
    this.#connectedAt = undefined;
    this.failInflight(
      (requestId) =>
        new ChatError('not-connected', 'The connection was lost before the server answered; the request may or may not have taken effect.', {
          requestId,
        }),
    );
  }

  #retry(kind: 'socket' | 'token', detail: unknown): void {
    const host = this.#host;
    if (!host.current()) return;
    this.#attempts += 1;
    const error =
      kind === 'token'
        ? new ChatError('not-connected', `Could not get a chat token: ${messageOf(detail)}`, { cause: detail })
        : new ChatError('not-connected', `Could not connect to the chat server at ${host.regionOrUrl}${detail ? ` (${messageOf(detail)})` : ''}.`, {
            cause: detail,
          });
    const { policy, random } = this.#config;
    if (this.#attempts > policy.maxAttempts) {
      host.stop(kind === 'token' ? 'fetch-token-error' : 'attempts-exhausted', error);
      return;
    }
    if (kind === 'socket') host.emit('error', { error });
    sleep(backoffDelay(this.#attempts, policy, random), this.#abort.signal).then(
      () => {
        if (host.current() && !this.#room) this.open();
      },
      () => {
        // Aborted: the session stopped during the wait.
      },
    );
  }

  #wasKicked(): boolean {
    const kick = this.#kick;
    if (!kick) return false;
    const self = this.#host.userId();
    if (self !== undefined) return kick.userId === self;
    return Date.now() - kick.at <= KICK_WINDOW_MS;
  }

  // -------------------------------------------------------------------------------------------
  // Incoming traffic

  #onRoomMessage(raw: RoomChatMessage): void {
    const host = this.#host;
    if (!host.current()) return;
    const message = toChatMessage(raw);
    if (message.requestId !== undefined && this.#inflight.has(message.requestId)) host.learnUserId(message.sender.userId);
    host.emit('message', message);
  }

  #onRoomEvent(raw: Parameters<ChatRoomListeners['event']>[0]): void {
    if (!this.#host.current()) return;
    if (raw.eventName === ROOM_DELETED_EVENT) {
      this.#roomDeleted = true;
      return;
    }
    this.#host.emit('event', {
      id: raw.id,
      eventName: raw.eventName,
      attributes: copy(raw.attributes),
      sendTime: raw.sendTime,
      requestId: raw.requestId,
    });
  }

  #onRoomUserDisconnect(raw: RoomDisconnectUserEvent): void {
    const host = this.#host;
    if (!host.current()) return;
    const self = host.userId();
    if (self === undefined || raw.userId === self) this.#kick = { userId: raw.userId, at: Date.now() };
    host.emit('userDisconnected', toUserDisconnected(raw));
  }

  // -------------------------------------------------------------------------------------------
  // Outgoing requests

  /** Sends the queued messages, in order, while the connection allows it. */
  flushQueue(): void {
    const host = this.#host;
    while (host.queue.size > 0 && host.current() && this.canDispatch()) this.dispatchSend(host.queue.next()!);
  }

  /** Sends one message now; it resolves on the server's acknowledgement. */
  dispatchSend(item: PendingSend): void {
    const room = this.#room!;
    const host = this.#host;
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
      host.queue.putBack(item);
      return;
    }
    this.#inflight.track(item, 'send()');
    acknowledged.then(
      (message) => {
        if (!this.#inflight.settle(item)) return;
        host.learnUserId(message.sender.userId);
        item.resolve(toChatMessage(message));
      },
      (raw: unknown) => {
        if (!this.#inflight.settle(item)) return;
        const error = toChatError(raw, item.requestId, 'send()');
        if (error.errorCode === 401 && host.current()) {
          // The session expired and the message was refused: ChatRoom reconnects with a new token;
          // send it again on the new connection (it was certainly not delivered).
          this.#reauthPending = true;
          host.queue.putBack(item);
          return;
        }
        item.reject(error);
      },
    );
  }

  #request<T>(action: string, perform: (room: ChatRoomLike, requestId: string) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { requestId: newRequestId(), timer: undefined, reject };
      let answered: Promise<T>;
      try {
        answered = perform(this.#room!, pending.requestId);
      } catch (error) {
        reject(new ChatError('not-connected', `${action} could not be sent: ${messageOf(error)}`, { cause: error }));
        return;
      }
      this.#inflight.track(pending, action);
      answered.then(
        (value) => {
          if (this.#inflight.settle(pending)) resolve(value);
        },
        (raw: unknown) => {
          if (this.#inflight.settle(pending)) reject(toChatError(raw, pending.requestId, action));
        },
      );
    });
  }
}
