/**
 * ivs-local's IVS Chat Messaging WebSocket (as AWS's IVS Chat Messaging API reference documents it).
 *
 * - Upgrade on `/chat` (and `/chat/…`, and the origin's root `/` as on AWS); the chat token is the WebSocket subprotocol and is echoed.
 *   Tokens are one-time: unknown, used or expired tokens fail the handshake with an HTTP error.
 * - Client actions `SEND_MESSAGE`, `DELETE_MESSAGE`, `DISCONNECT_USER`, checked against the token's
 *   capabilities (ERROR 403) and the room's limits (length → ERROR 400, attributes → 413, rate → 429).
 * - Every server frame has a fresh 12-character `Id`; the request's `RequestId` is echoed on the
 *   frames it causes, and the sender receives its own message (the SDK's acknowledgement).
 * - At `sessionExpiresAt` the connection gets ERROR 401 (the chat SDK reconnects with a new token)
 *   and is closed after a grace period if the client does not leave by itself.
 * - Control-plane SendEvent / DeleteMessage / DisconnectUser / UpdateRoom / DeleteRoom arrive through
 *   the hub's events.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { ChatTokenGrant, LocalHub, LocalModule, RoomLimits } from '../hub';
import {
  FrameError,
  ROOM_DELETED_EVENT,
  deleteMessageEvent,
  disconnectUserEvent,
  errorFrame,
  eventFrame,
  newChatId,
  parseClientFrame,
  type ClientRequest,
  type MessageFrame,
  type ServerFrame,
} from './frames';
import { isChatPath, offeredProtocols, rejectHandshake } from './handshake';
import { TokenBucket } from './rate-limiter';
import { refusal } from './request-checks';

/** Options of {@link createChatModule}. */
export interface ChatModuleOptions {
  /** Largest accepted client frame in bytes; bigger frames close the socket with 1009. Default 32 KiB. */
  maxPayload?: number;
  /** How long a connection whose session expired may stay open after its ERROR 401. Default 5000 ms. */
  sessionExpiryGraceMs?: number;
  /** Outgoing bytes a connection may leave unread before it is dropped as a slow consumer. Default 8 MiB. */
  maxBufferedBytes?: number;
}

/** The chat module, with a few read-only views used by tests and diagnostics. */
export interface ChatModule extends LocalModule {
  /** Open connections, in one room or in all rooms. */
  connectionCount(roomArn?: string): number;
  /**
   * Cuts open connections without a close frame, as a crash or a network fault would: `terminate`
   * destroys the socket, `reset` also sends a TCP RST. Only the given user's connections when
   * `userId` is set. Returns how many were cut. For fault tests; not part of the package surface.
   */
  cutConnections(how: 'terminate' | 'reset', userId?: string): number;
}

export { MAX_MESSAGE_ATTRIBUTES_BYTES, MAX_REASON_LENGTH, MAX_USER_ID_LENGTH } from './request-checks';

const CLOSE_NORMAL = 1000;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_POLICY = 1008;

interface Connection {
  readonly ws: WebSocket;
  readonly grant: ChatTokenGrant;
  /** Set once the session expired or the connection is being closed: it gets no more room traffic. */
  retired: boolean;
  timers: NodeJS.Timeout[];
}

interface Room {
  readonly arn: string;
  readonly connections: Set<Connection>;
  readonly bucket: TokenBucket;
}

const MAX_TIMER_MS = 2_147_483_647;

/**
 * Creates the chat WebSocket module of ivs-local.
 *
 * @example
 * ```ts
 * const chat = createChatModule(hub);
 * server.on('upgrade', (req, socket, head) => {
 *   const url = new URL(req.url ?? '/', 'http://localhost');
 *   if (!chat.handleUpgrade?.(req, socket, head, url)) socket.destroy();
 * });
 * ```
 */
export function createChatModule(hub: LocalHub, options: ChatModuleOptions = {}): ChatModule {
  const maxPayload = options.maxPayload ?? 32 * 1024;
  const graceMs = options.sessionExpiryGraceMs ?? 5000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;

  const rooms = new Map<string, Room>();
  let closed = false;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    clientTracking: false,
    perMessageDeflate: false,
    // The token is the subprotocol and must be echoed, or the client fails the handshake.
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
  });

  function roomFor(arn: string, limits: RoomLimits): Room {
    let room = rooms.get(arn);
    if (!room) {
      room = { arn, connections: new Set(), bucket: new TokenBucket(limits.maximumMessageRatePerSecond) };
      rooms.set(arn, room);
    }
    return room;
  }

  function send(connection: Connection, frame: ServerFrame | Buffer): void {
    const { ws } = connection;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > maxBufferedBytes) {
      // A client that stops reading must not make the emulator buffer without bound.
      retire(connection);
      ws.terminate();
      return;
    }
    ws.send(Buffer.isBuffer(frame) ? frame : JSON.stringify(frame), { binary: false });
  }

  /** Sends one frame to every live connection of a room (serialized once). */
  function broadcast(room: Room, frame: ServerFrame): void {
    const data = Buffer.from(JSON.stringify(frame));
    for (const connection of room.connections) {
      if (!connection.retired) send(connection, data);
    }
  }

  function retire(connection: Connection): void {
    connection.retired = true;
    for (const timer of connection.timers) clearTimeout(timer);
    connection.timers = [];
  }

  function closeConnection(connection: Connection, code: number, reason: string): void {
    retire(connection);
    const { ws } = connection;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
  }

  function disconnectUser(room: Room, userId: string, reason: string | undefined, requestId: string | undefined): void {
    broadcast(room, disconnectUserEvent(userId, reason, requestId));
    for (const connection of room.connections) {
      // A clean close: the chat SDK reports `serverDisconnect` and does not reconnect.
      if (connection.grant.userId === userId) closeConnection(connection, CLOSE_NORMAL, 'Disconnected by a moderator');
    }
  }

  function handleRequest(connection: Connection, room: Room, request: ClientRequest): void {
    const { requestId } = request;
    const limits = hub.getRoomLimits(room.arn);
    if (!limits) {
      send(connection, errorFrame(404, 'The room does not exist (it may have been deleted).', requestId));
      return;
    }
    const refused = refusal(request, connection.grant, limits);
    if (refused) {
      send(connection, refused);
      return;
    }
    switch (request.action) {
      case 'SEND_MESSAGE': {
        if (room.bucket.rate !== limits.maximumMessageRatePerSecond) room.bucket.setRate(limits.maximumMessageRatePerSecond);
        if (!room.bucket.tryTake()) {
          send(
            connection,
            errorFrame(429, `The room's rate limit of ${limits.maximumMessageRatePerSecond} messages per second was exceeded.`, requestId),
          );
          return;
        }
        const { grant } = connection;
        const frame: MessageFrame = {
          Type: 'MESSAGE',
          Id: newChatId(),
          ...(requestId === undefined ? {} : { RequestId: requestId }),
          Content: request.content,
          ...(request.attributes && Object.keys(request.attributes).length > 0 ? { Attributes: request.attributes } : {}),
          SendTime: new Date().toISOString(),
          Sender: {
            UserId: grant.userId,
            ...(Object.keys(grant.attributes).length > 0 ? { Attributes: grant.attributes } : {}),
          },
        };
        broadcast(room, frame);
        return;
      }
      case 'DELETE_MESSAGE':
        broadcast(room, deleteMessageEvent(request.id, request.reason, requestId));
        return;
      case 'DISCONNECT_USER':
        disconnectUser(room, request.userId, request.reason, requestId);
        return;
    }
  }

  function onMessage(connection: Connection, room: Room, data: RawData, isBinary: boolean): void {
    if (connection.retired) {
      if (connection.ws.readyState === WebSocket.OPEN && room.connections.has(connection)) {
        // Session expired: every further request is refused with 401 (the SDK reconnects on it).
        let requestId: string | undefined;
        try {
          requestId = isBinary ? undefined : parseClientFrame(data.toString()).requestId;
        } catch (error) {
          requestId = error instanceof FrameError ? error.requestId : undefined;
        }
        send(connection, errorFrame(401, 'The chat session has expired. Connect again with a new token.', requestId));
      }
      return;
    }
    if (isBinary) {
      send(connection, errorFrame(400, 'Binary frames are not supported; send JSON text frames.', undefined));
      return;
    }
    let request: ClientRequest;
    try {
      // ws has already rejected invalid UTF-8 (close 1007) and oversized frames (close 1009).
      request = parseClientFrame(data.toString());
    } catch (error) {
      const frameError = error instanceof FrameError ? error : new FrameError('The frame could not be read.', undefined);
      send(connection, errorFrame(frameError.errorCode, frameError.message, frameError.requestId));
      return;
    }
    handleRequest(connection, room, request);
  }

  function onConnection(ws: WebSocket, grant: ChatTokenGrant, limits: RoomLimits): void {
    const room = roomFor(grant.roomArn, limits);
    const connection: Connection = { ws, grant, retired: false, timers: [] };
    room.connections.add(connection);

    ws.on('error', () => {
      // Protocol errors (invalid UTF-8, oversized frames, bad opcodes) already closed the socket
      // with the right code; a listener must exist so they never become uncaught exceptions.
    });
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(connection, room, data, isBinary);
      } catch {
        // A bug in one request must not take the emulator down.
        send(connection, errorFrame(500, 'Internal error while handling the request.', undefined));
      }
    });
    ws.on('close', () => {
      retire(connection);
      room.connections.delete(connection);
      if (room.connections.size === 0 && rooms.get(room.arn) === room) rooms.delete(room.arn);
    });

    const expireIn = grant.sessionExpiresAt.getTime() - Date.now();
    connection.timers.push(
      setTimeout(() => {
        retire(connection);
        send(
          connection,
          errorFrame(401, `The chat session expired at ${grant.sessionExpiresAt.toISOString()}. Connect again with a new token.`, undefined),
        );
        // The chat SDK answers 401 by reconnecting and closing this socket; close it if it does not.
        connection.timers.push(
          setTimeout(() => {
            if (ws.readyState === WebSocket.OPEN) ws.close(CLOSE_POLICY, 'Session expired');
          }, graceMs),
        );
      }, Math.min(Math.max(0, expireIn), MAX_TIMER_MS)),
    );
  }

  function onHubRoom(roomArn: string, act: (room: Room) => void): void {
    const room = rooms.get(roomArn);
    if (room) act(room);
  }

  const unsubscribe = [
    // The frame Id is the id the control-plane operation returned, as on IVS.
    hub.events.on('chatSendEvent', ({ id, roomArn, eventName, attributes }) =>
      onHubRoom(roomArn, (room) => broadcast(room, eventFrame(eventName, attributes, undefined, id))),
    ),
    hub.events.on('chatDeleteMessage', ({ id, roomArn, messageId, reason }) =>
      onHubRoom(roomArn, (room) => broadcast(room, deleteMessageEvent(messageId, reason, undefined, id))),
    ),
    hub.events.on('chatDisconnectUser', ({ roomArn, userId, reason }) =>
      onHubRoom(roomArn, (room) => disconnectUser(room, userId, reason, undefined)),
    ),
    hub.events.on('roomUpdated', ({ roomArn, limits }) =>
      onHubRoom(roomArn, (room) => room.bucket.setRate(limits.maximumMessageRatePerSecond)),
    ),
    hub.events.on('roomDeleted', ({ roomArn }) =>
      onHubRoom(roomArn, (room) => {
        broadcast(room, eventFrame(ROOM_DELETED_EVENT, undefined, undefined));
        for (const connection of room.connections) closeConnection(connection, CLOSE_NORMAL, 'Room deleted');
        rooms.delete(roomArn);
      }),
    ),
  ];

  return {
    handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      if (!isChatPath(url.pathname)) return false;
      const body = 'This is the IVS Chat messaging WebSocket: connect with a WebSocket client and the chat token as subprotocol.\n';
      // 'close' as well: a plain HTTP client is not going to reuse this connection, and Node would otherwise keep it open.
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket', Connection: 'Upgrade, close' });
      res.end(body);
      return true;
    },

    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
      // Also at the origin's root, as on AWS's endpoint (wss://edge.ivschat.<region>.amazonaws.com).
      if (!isChatPath(url.pathname) && url.pathname !== '/') return false;
      socket.on('error', () => {
        // A client that vanishes mid-handshake must not crash the emulator.
      });
      if (closed) {
        rejectHandshake(socket, 503, 'Service Unavailable', 'ivs-local is shutting down.');
        return true;
      }
      const [token] = offeredProtocols(req);
      if (token === undefined) {
        rejectHandshake(socket, 401, 'Unauthorized', 'Missing chat token: pass the token from CreateChatToken as the WebSocket subprotocol.');
        return true;
      }
      const grant = hub.takeChatToken(token);
      if (!grant) {
        rejectHandshake(
          socket,
          403,
          'Forbidden',
          'The chat token is unknown, expired, or was already used (chat tokens are single-use). Mint a new token with CreateChatToken.',
        );
        return true;
      }
      const limits = hub.getRoomLimits(grant.roomArn);
      if (!limits) {
        rejectHandshake(socket, 404, 'Not Found', `The room ${grant.roomArn} does not exist.`);
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (closed) {
          ws.close(CLOSE_GOING_AWAY, 'Server shutting down');
          return;
        }
        onConnection(ws, grant, limits);
      });
      return true;
    },

    cutConnections(how: 'terminate' | 'reset', userId?: string): number {
      let cut = 0;
      for (const room of rooms.values()) {
        for (const connection of room.connections) {
          if (userId !== undefined && connection.grant.userId !== userId) continue;
          retire(connection);
          const socket = (connection.ws as unknown as { _socket?: { resetAndDestroy?: () => void } })._socket;
          if (how === 'reset' && socket?.resetAndDestroy) socket.resetAndDestroy();
          else connection.ws.terminate();
          cut += 1;
        }
      }
      return cut;
    },

    connectionCount(roomArn?: string): number {
      if (roomArn !== undefined) return rooms.get(roomArn)?.connections.size ?? 0;
      let count = 0;
      for (const room of rooms.values()) count += room.connections.size;
      return count;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const off of unsubscribe) off();
      const all = [...rooms.values()].flatMap((room) => [...room.connections]);
      await Promise.all(
        all.map(
          (connection) =>
            new Promise<void>((resolve) => {
              const { ws } = connection;
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              const force = setTimeout(() => ws.terminate(), 1000);
              ws.once('close', () => {
                clearTimeout(force);
                resolve();
              });
              closeConnection(connection, CLOSE_GOING_AWAY, 'Server shutting down');
            }),
        ),
      );
      rooms.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
