/** Helpers to drive the real amazon-ivs-chat-messaging ChatRoom against the emulator. */
import { ChatRoom, SendMessageRequest } from 'amazon-ivs-chat-messaging';
import type { ChatLogger, ChatMessage, ChatTokenProvider, DisconnectReason } from 'amazon-ivs-chat-messaging';
import type { LocalChatCapability } from '../../../packages/ivs-local/src/hub';
import type { ChatEnv, RoomHandle } from './env';

export const silentLogger: ChatLogger = { debug() {}, info() {}, error() {} };

export interface OpenedRoom {
  room: ChatRoom;
  messages: ChatMessage[];
  disconnects: DisconnectReason[];
  tokenRequests: () => number;
}

/** Creates a ChatRoom whose provider mints a fresh token on every call, and connects it. */
export async function openChatRoom(
  env: ChatEnv,
  handle: RoomHandle,
  userId: string,
  options: { capabilities?: LocalChatCapability[]; attributes?: Record<string, string>; maxReconnectAttempts?: number } = {},
): Promise<OpenedRoom> {
  let requests = 0;
  const tokenProvider: ChatTokenProvider = async () => {
    requests += 1;
    const minted = await env.createChatToken(handle, userId, options);
    return { token: minted.token, sessionExpirationTime: minted.sessionExpirationTime };
  };
  const room = new ChatRoom({ regionOrUrl: env.chatUrl, tokenProvider, maxReconnectAttempts: options.maxReconnectAttempts ?? 0 });
  room.logger = silentLogger;
  room.logLevel = 'error';
  const messages: ChatMessage[] = [];
  const disconnects: DisconnectReason[] = [];
  room.addListener('message', (message) => messages.push(message));
  room.addListener('disconnect', (reason) => disconnects.push(reason));
  await connected(room);
  return { room, messages, disconnects, tokenRequests: () => requests };
}

export function connected(room: ChatRoom, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      offConnect();
      offDisconnect();
      reject(new Error('ChatRoom did not connect'));
    }, timeoutMs);
    const offConnect = room.addListener('connect', () => {
      clearTimeout(timer);
      offConnect();
      offDisconnect();
      resolve();
    });
    const offDisconnect = room.addListener('disconnect', (reason) => {
      clearTimeout(timer);
      offConnect();
      offDisconnect();
      reject(new Error(`ChatRoom disconnected: ${reason}`));
    });
    if (room.state === 'disconnected') room.connect();
  });
}

export function nextDisconnect(room: ChatRoom, timeoutMs = 5000): Promise<DisconnectReason> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no disconnect')), timeoutMs);
    const off = room.addListener('disconnect', (reason) => {
      clearTimeout(timer);
      off();
      resolve(reason);
    });
  });
}

export function until<T>(check: () => T | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = check();
      if (value !== undefined && value !== false) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

export function send(room: ChatRoom, content: string, attributes?: Record<string, string>): Promise<ChatMessage> {
  return room.sendMessage(new SendMessageRequest(content, attributes));
}
