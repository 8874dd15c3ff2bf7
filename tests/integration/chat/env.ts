/**
 * Test environment for the chat integration tests: a chat module on a plain HTTP server with a small
 * in-memory hub (interim, until startLocalIvs is available).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { createChatModule, type ChatModule } from '../../../src/local/chat';
import { newChatId } from '../../../src/local/chat/frames';
import { LocalHubEmitter, type ChatTokenGrant, type LocalChatCapability, type LocalHub, type RoomLimits } from '../../../src/local/hub';

// amazon-ivs-chat-messaging uses the global WebSocket; Node 20 has none.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export interface RoomHandle {
  arn: string;
  id: string;
}

export interface MintedToken {
  token: string;
  tokenExpirationTime: Date;
  sessionExpirationTime: Date;
}

export interface ChatEnv {
  /** `ws://127.0.0.1:PORT/chat` */
  chatUrl: string;
  createRoom(limits?: Partial<RoomLimits>): Promise<RoomHandle>;
  updateRoom(room: RoomHandle, limits: Partial<RoomLimits>): Promise<void>;
  deleteRoom(room: RoomHandle): Promise<void>;
  createChatToken(
    room: RoomHandle,
    userId: string,
    options?: { capabilities?: LocalChatCapability[]; attributes?: Record<string, string>; sessionDurationInMinutes?: number },
  ): Promise<MintedToken>;
  sendEvent(room: RoomHandle, eventName: string, attributes?: Record<string, string>): Promise<void>;
  deleteMessage(room: RoomHandle, id: string, reason?: string): Promise<void>;
  disconnectUser(room: RoomHandle, userId: string, reason?: string): Promise<void>;
  /** Makes every session created from now on end after `ms` (keeps session-expiry tests fast). */
  shortenSessions(ms: number | undefined): void;
  chat: ChatModule;
  close(): Promise<void>;
}

class TestHub implements LocalHub {
  readonly events = new LocalHubEmitter();
  readonly tokens = new Map<string, ChatTokenGrant & { used: boolean }>();
  readonly rooms = new Map<string, RoomLimits>();
  sessionOverrideMs: number | undefined;

  takeChatToken(token: string, now = new Date()): ChatTokenGrant | undefined {
    const grant = this.tokens.get(token);
    if (!grant || grant.used || grant.tokenExpiresAt <= now) return undefined;
    grant.used = true;
    const sessionExpiresAt =
      this.sessionOverrideMs === undefined ? grant.sessionExpiresAt : new Date(now.getTime() + this.sessionOverrideMs);
    return { ...grant, sessionExpiresAt };
  }

  getRoomLimits(roomArn: string): RoomLimits | undefined {
    return this.rooms.get(roomArn);
  }

  verifyParticipantToken(): Promise<never> {
    return Promise.reject(new Error('not used by chat tests'));
  }

  updateParticipant(): void {}
}

export async function startChatEnv(): Promise<ChatEnv> {
  const hub = new TestHub();
  const chat = createChatModule(hub, { sessionExpiryGraceMs: 1000 });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!chat.handleRequest?.(req, res, url)) {
      res.writeHead(404).end();
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!chat.handleUpgrade?.(req, socket, head, url)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    chatUrl: `ws://127.0.0.1:${port}/chat`,
    chat,
    async createRoom(limits = {}) {
      const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
      const arn = `arn:aws:ivschat:us-west-2:123456789012:room/${id}`;
      hub.rooms.set(arn, { maximumMessageLength: limits.maximumMessageLength ?? 500, maximumMessageRatePerSecond: limits.maximumMessageRatePerSecond ?? 10 });
      return { arn, id };
    },
    async updateRoom(room, limits) {
      const current = hub.rooms.get(room.arn);
      if (!current) throw new Error('no room');
      const next = { ...current, ...limits };
      hub.rooms.set(room.arn, next);
      hub.events.raise('roomUpdated', { roomArn: room.arn, limits: next });
    },
    async deleteRoom(room) {
      hub.rooms.delete(room.arn);
      hub.events.raise('roomDeleted', { roomArn: room.arn });
    },
    async createChatToken(room, userId, options = {}) {
      const token = randomBytes(24).toString('base64url');
      const now = Date.now();
      const sessionExpirationTime = new Date(now + (options.sessionDurationInMinutes ?? 60) * 60_000);
      const tokenExpirationTime = new Date(now + 60 * 60_000);
      hub.tokens.set(token, {
        token,
        roomArn: room.arn,
        roomId: room.id,
        userId,
        attributes: options.attributes ?? {},
        capabilities: options.capabilities ?? [],
        tokenExpiresAt: tokenExpirationTime,
        sessionExpiresAt: sessionExpirationTime,
        used: false,
      });
      return { token, tokenExpirationTime, sessionExpirationTime };
    },
    async sendEvent(room, eventName, attributes = {}) {
      hub.events.raise('chatSendEvent', { id: newChatId(), roomArn: room.arn, eventName, attributes });
    },
    async deleteMessage(room, id, reason) {
      hub.events.raise('chatDeleteMessage', { id: newChatId(), roomArn: room.arn, messageId: id, reason });
    },
    async disconnectUser(room, userId, reason) {
      hub.events.raise('chatDisconnectUser', { roomArn: room.arn, userId, reason });
    },
    shortenSessions(ms) {
      hub.sessionOverrideMs = ms;
    },
    async close() {
      await chat.close?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
