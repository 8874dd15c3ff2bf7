/**
 * Test environment for the chat integration tests: ivs-local started with `startLocalIvs`, rooms
 * and chat tokens minted through the real `IvschatClient` (SigV4-signed, endpoint = ivs-local).
 *
 * The chat module is mounted through `startLocalIvs({ modules })` so the tests can read its
 * connection count and use a short session-expiry grace period; `default-modules.test.ts` checks
 * the default wiring separately.
 */
import { WebSocket } from 'ws';
import {
  CreateChatTokenCommand,
  CreateRoomCommand,
  DeleteMessageCommand,
  DeleteRoomCommand,
  DisconnectUserCommand,
  IvschatClient,
  SendEventCommand,
  UpdateRoomCommand,
  type ChatTokenCapability,
} from '@aws-sdk/client-ivschat';
import { startLocalIvs, type LocalIvs } from '../../../packages/ivs-local/src/server';
import { createChatModule, type ChatModule } from '../../../packages/ivs-local/src/chat';
import type { LocalChatCapability, RoomLimits } from '../../../packages/ivs-local/src/hub';

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
  ivs: LocalIvs;
  client: IvschatClient;
  createRoom(limits?: Partial<RoomLimits>): Promise<RoomHandle>;
  updateRoom(room: RoomHandle, limits: Partial<RoomLimits>): Promise<void>;
  deleteRoom(room: RoomHandle): Promise<void>;
  createChatToken(
    room: RoomHandle,
    userId: string,
    options?: { capabilities?: LocalChatCapability[]; attributes?: Record<string, string>; sessionDurationInMinutes?: number },
  ): Promise<MintedToken>;
  sendEvent(room: RoomHandle, eventName: string, attributes?: Record<string, string>): Promise<string>;
  deleteMessage(room: RoomHandle, id: string, reason?: string): Promise<void>;
  disconnectUser(room: RoomHandle, userId: string, reason?: string): Promise<void>;
  /**
   * Makes every connection opened from now on have a session of `ms` (the API's minimum is one
   * minute; this keeps session-expiry tests fast). `undefined` restores real sessions.
   */
  shortenSessions(ms: number | undefined): void;
  chat: ChatModule;
  close(): Promise<void>;
}

export async function startChatEnv(): Promise<ChatEnv> {
  let chat: ChatModule | undefined;
  const ivs = await startLocalIvs({
    modules: [
      (context) => {
        chat = createChatModule(context.hub, { sessionExpiryGraceMs: 1000 });
        return chat;
      },
    ],
  });
  if (!chat) throw new Error('the chat module was not mounted');
  const client = new IvschatClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials });

  // Session shortening wraps the hub's token redemption (the seam the chat module reads grants from).
  let sessionOverrideMs: number | undefined;
  const hub = ivs.hub;
  const take = hub.takeChatToken.bind(hub);
  (hub as { takeChatToken: typeof hub.takeChatToken }).takeChatToken = (token, now) => {
    const grant = take(token, now);
    if (!grant || sessionOverrideMs === undefined) return grant;
    return { ...grant, sessionExpiresAt: new Date(Date.now() + sessionOverrideMs) };
  };

  return {
    chatUrl: `${ivs.wsUrl}/chat`,
    ivs,
    client,
    chat,
    async createRoom(limits = {}) {
      const room = await client.send(new CreateRoomCommand({ ...limits }));
      if (!room.arn || !room.id) throw new Error('CreateRoom returned no arn/id');
      return { arn: room.arn, id: room.id };
    },
    async updateRoom(room, limits) {
      await client.send(new UpdateRoomCommand({ identifier: room.arn, ...limits }));
    },
    async deleteRoom(room) {
      await client.send(new DeleteRoomCommand({ identifier: room.arn }));
    },
    async createChatToken(room, userId, options = {}) {
      const out = await client.send(
        new CreateChatTokenCommand({
          roomIdentifier: room.arn,
          userId,
          ...(options.capabilities ? { capabilities: options.capabilities as ChatTokenCapability[] } : {}),
          ...(options.attributes ? { attributes: options.attributes } : {}),
          ...(options.sessionDurationInMinutes ? { sessionDurationInMinutes: options.sessionDurationInMinutes } : {}),
        }),
      );
      if (!out.token || !out.tokenExpirationTime || !out.sessionExpirationTime) throw new Error('CreateChatToken returned no token');
      return { token: out.token, tokenExpirationTime: out.tokenExpirationTime, sessionExpirationTime: out.sessionExpirationTime };
    },
    async sendEvent(room, eventName, attributes) {
      const out = await client.send(new SendEventCommand({ roomIdentifier: room.arn, eventName, ...(attributes ? { attributes } : {}) }));
      return out.id ?? '';
    },
    async deleteMessage(room, id, reason) {
      await client.send(new DeleteMessageCommand({ roomIdentifier: room.arn, id, ...(reason ? { reason } : {}) }));
    },
    async disconnectUser(room, userId, reason) {
      await client.send(new DisconnectUserCommand({ roomIdentifier: room.arn, userId, ...(reason ? { reason } : {}) }));
    },
    shortenSessions(ms) {
      sessionOverrideMs = ms;
    },
    async close() {
      client.destroy();
      await ivs.close();
    },
  };
}
