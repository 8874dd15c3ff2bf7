import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CreateChatTokenCommand, CreateRoomCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import { startLocalIvs, type LocalIvs } from '../../../packages/ivs-local/src/server';
import { ChatSession } from '../../../src/chat';

(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

let ivs: LocalIvs;
let client: IvschatClient;

beforeAll(async () => {
  ivs = await startLocalIvs();
  client = new IvschatClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials });
});

afterAll(async () => {
  client.destroy();
  await ivs.close();
});

describe('ivs-local default modules', () => {
  it('serve the chat WebSocket at wsUrl/chat: a ChatSession connects and its message is acknowledged', async () => {
    const room = await client.send(new CreateRoomCommand({ name: 'lobby' }));
    const session = new ChatSession();
    const received: string[] = [];
    session.on('message', (message) => received.push(message.content));
    await session.connect({
      regionOrUrl: `${ivs.wsUrl}/chat`,
      tokenProvider: async () => {
        const out = await client.send(new CreateChatTokenCommand({ roomIdentifier: room.arn, userId: 'u1', capabilities: ['SEND_MESSAGE'] }));
        return { token: out.token!, ...(out.tokenExpirationTime ? { tokenExpirationTime: out.tokenExpirationTime } : {}) };
      },
    });
    const ack = await session.send('hello from the default wiring');
    expect(ack.sender.userId).toBe('u1');
    expect(received).toContain('hello from the default wiring');
    session.dispose();
    expect(session.state).toBe('disconnected');
  });
});
