import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DeleteMessageRequest, DisconnectUserRequest, type ChatError, type DeleteMessageEvent, type DisconnectUserEvent, type ChatEvent } from 'amazon-ivs-chat-messaging';
import { startChatEnv, type ChatEnv, type RoomHandle } from './env';
import { RawChatClient } from './raw-client';
import { nextDisconnect, openChatRoom, send, until } from './chat-room-helpers';

let env: ChatEnv;
let handle: RoomHandle;

beforeEach(async () => {
  env = await startChatEnv();
  handle = await env.createRoom();
});

afterEach(async () => {
  await env.close();
});

function rejection<T>(promise: Promise<T>): Promise<ChatError> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: ChatError) => error,
  );
}

describe('chat WebSocket handshake', () => {
  it('accepts a chat token as the subprotocol and echoes it', async () => {
    const { token } = await env.createChatToken(handle, 'alice');
    const client = await RawChatClient.connect(env.chatUrl, token);
    expect(client.ws.protocol).toBe(token);
    expect(env.chat.connectionCount(handle.arn)).toBe(1);
    client.close();
  });

  it("is also accepted at the origin's root path, as on AWS's endpoint", async () => {
    const { token } = await env.createChatToken(handle, 'alice');
    const client = await RawChatClient.connect(env.chatUrl.replace(/\/chat$/, '/'), token);
    expect(client.ws.protocol).toBe(token);
    expect(env.chat.connectionCount(handle.arn)).toBe(1);
    client.close();
  });

  it('refuses a token that was already used (tokens are single-use) with HTTP 403', async () => {
    const { token } = await env.createChatToken(handle, 'alice');
    const first = await RawChatClient.connect(env.chatUrl, token);
    await expect(RawChatClient.connect(env.chatUrl, token)).rejects.toMatchObject({ status: 403 });
    first.close();
  });

  it('refuses an unknown token with HTTP 403 and a missing token with HTTP 401', async () => {
    await expect(RawChatClient.connect(env.chatUrl, 'not-a-token')).rejects.toMatchObject({ status: 403 });
    await expect(RawChatClient.connect(env.chatUrl, undefined)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a token whose room was deleted before it was used', async () => {
    const { token } = await env.createChatToken(handle, 'alice');
    await env.deleteRoom(handle);
    await expect(RawChatClient.connect(env.chatUrl, token)).rejects.toMatchObject({ status: 403 });
  });
});

describe('messages', () => {
  it('delivers a message with attributes to every connection, sender identity taken from the token', async () => {
    const alice = await openChatRoom(env, handle, 'alice', { capabilities: ['SEND_MESSAGE'], attributes: { displayName: 'Alice' } });
    const bob = await openChatRoom(env, handle, 'bob', { capabilities: ['SEND_MESSAGE'] });

    const ack = await send(alice.room, 'hello bob', { kind: 'greeting' });
    expect(ack).toMatchObject({
      content: 'hello bob',
      attributes: { kind: 'greeting' },
      sender: { userId: 'alice', attributes: { displayName: 'Alice' } },
    });
    expect(ack.id).toMatch(/^[a-zA-Z0-9]{12}$/);
    expect(ack.sendTime).toBeInstanceOf(Date);

    const received = await until(() => bob.messages.find((m) => m.id === ack.id), 5000, 'bob receives');
    expect(received).toMatchObject({ content: 'hello bob', attributes: { kind: 'greeting' }, sender: { userId: 'alice' } });

    const reply = await send(bob.room, 'hi alice');
    expect(reply.sender).toEqual({ userId: 'bob' });
    await until(() => alice.messages.find((m) => m.id === reply.id), 5000, 'alice receives');

    alice.room.disconnect();
    bob.room.disconnect();
  });

  it('gives every frame a unique Id and echoes the RequestId', async () => {
    const { token } = await env.createChatToken(handle, 'raw', { capabilities: ['SEND_MESSAGE'] });
    const client = await RawChatClient.connect(env.chatUrl, token);
    for (let i = 0; i < 5; i += 1) client.sendJson({ Action: 'SEND_MESSAGE', RequestId: `r${i}`, Content: `m${i}` });
    client.sendJson({ Action: 'NOPE', RequestId: 'bad' });
    await client.waitForRequest('bad');
    for (let i = 0; i < 5; i += 1) await client.waitForRequest(`r${i}`);
    const ids = client.frames.map((frame) => frame.Id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(client.frames.find((f) => f.RequestId === 'r3')).toMatchObject({ Type: 'MESSAGE', Content: 'm3', Sender: { UserId: 'raw' } });
    client.close();
  });

  it('refuses SEND_MESSAGE without the capability with ERROR 403', async () => {
    const viewer = await openChatRoom(env, handle, 'viewer');
    const error = await rejection(send(viewer.room, 'can I talk?'));
    expect(error.errorCode).toBe(403);
    expect(error.errorMessage).toMatch(/SEND_MESSAGE/);
    viewer.room.disconnect();
  });

  it('refuses content longer than the room maximum (code points) with ERROR 400', async () => {
    const small = await env.createRoom({ maximumMessageLength: 5 });
    const alice = await openChatRoom(env, small, 'alice', { capabilities: ['SEND_MESSAGE'] });
    // Five emoji are ten UTF-16 units but five code points: accepted.
    await expect(send(alice.room, '😀😀😀😀😀')).resolves.toMatchObject({ content: '😀😀😀😀😀' });
    const error = await rejection(send(alice.room, '123456'));
    expect(error.errorCode).toBe(400);
    expect(error.errorMessage).toMatch(/at most 5/);
    alice.room.disconnect();
  });

  it('refuses message attributes over 1 KB with ERROR 413', async () => {
    const alice = await openChatRoom(env, handle, 'alice', { capabilities: ['SEND_MESSAGE'] });
    const error = await rejection(send(alice.room, 'big', { blob: 'x'.repeat(1100) }));
    expect(error.errorCode).toBe(413);
    alice.room.disconnect();
  });

  it('refuses messages over the room rate with ERROR 429, and applies UpdateRoom limits to open connections', async () => {
    const slow = await env.createRoom({ maximumMessageRatePerSecond: 2 });
    const alice = await openChatRoom(env, slow, 'alice', { capabilities: ['SEND_MESSAGE'] });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => send(alice.room, `m${i}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => (r.reason as ChatError).errorCode)).toEqual([429, 429]);

    await env.updateRoom(slow, { maximumMessageRatePerSecond: 50 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const burst = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => send(alice.room, `b${i}`)));
    expect(burst.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(8);
    alice.room.disconnect();
  });
});

describe('moderation', () => {
  it('deletes a message (own and as moderator) with aws:DELETE_MESSAGE carrying MessageId and MessageID', async () => {
    const alice = await openChatRoom(env, handle, 'alice', { capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE'] });
    const mod = await openChatRoom(env, handle, 'mod', { capabilities: ['DELETE_MESSAGE'] });
    const deletes: DeleteMessageEvent[] = [];
    mod.room.addListener('messageDelete', (event) => deletes.push(event));
    const { token } = await env.createChatToken(handle, 'watcher');
    const watcher = await RawChatClient.connect(env.chatUrl, token);

    const own = await send(alice.room, 'oops');
    const ownDelete = await alice.room.deleteMessage(new DeleteMessageRequest(own.id, 'typo'));
    expect(ownDelete).toMatchObject({ messageId: own.id, reason: 'typo' });

    const other = await send(alice.room, 'spam');
    const modDelete = await mod.room.deleteMessage(new DeleteMessageRequest(other.id));
    expect(modDelete.messageId).toBe(other.id);
    expect(modDelete.reason).toBeUndefined();
    await until(() => deletes.length === 2 || undefined, 5000, 'both deletes seen');

    const frame = await watcher.waitFor((f) => f.EventName === 'aws:DELETE_MESSAGE' && (f.Attributes as Record<string, string>).MessageId === own.id);
    expect(frame.Attributes).toEqual({ MessageId: own.id, MessageID: own.id, Reason: 'typo' });

    alice.room.disconnect();
    mod.room.disconnect();
    watcher.close();
  });

  it('refuses DELETE_MESSAGE without the capability (403) and with a malformed Id (400)', async () => {
    const alice = await openChatRoom(env, handle, 'alice', { capabilities: ['SEND_MESSAGE'] });
    const mine = await send(alice.room, 'keep me');
    expect((await rejection(alice.room.deleteMessage(new DeleteMessageRequest(mine.id)))).errorCode).toBe(403);
    const mod = await openChatRoom(env, handle, 'mod', { capabilities: ['DELETE_MESSAGE'] });
    expect((await rejection(mod.room.deleteMessage(new DeleteMessageRequest('short')))).errorCode).toBe(400);
    alice.room.disconnect();
    mod.room.disconnect();
  });

  it('DISCONNECT_USER announces aws:DISCONNECT_USER, then closes every connection of that user cleanly', async () => {
    const mod = await openChatRoom(env, handle, 'mod', { capabilities: ['DISCONNECT_USER'] });
    const troll1 = await openChatRoom(env, handle, 'troll');
    const troll2 = await openChatRoom(env, handle, 'troll');
    const bystander = await openChatRoom(env, handle, 'bystander');
    const seen: DisconnectUserEvent[] = [];
    troll1.room.addListener('userDisconnect', (event) => seen.push(event));
    const closed1 = nextDisconnect(troll1.room);
    const closed2 = nextDisconnect(troll2.room);

    const event = await mod.room.disconnectUser(new DisconnectUserRequest('troll', 'spamming'));
    expect(event).toMatchObject({ userId: 'troll', reason: 'spamming' });
    // A clean close: the SDK reports serverDisconnect and does not reconnect.
    expect(await closed1).toBe('serverDisconnect');
    expect(await closed2).toBe('serverDisconnect');
    expect(seen).toHaveLength(1);
    expect(bystander.room.state).toBe('connected');
    expect(troll1.tokenRequests()).toBe(1);
    await until(() => env.chat.connectionCount(handle.arn) === 2 || undefined, 5000, 'two connections left');

    expect((await rejection(bystander.room.disconnectUser(new DisconnectUserRequest('mod')))).errorCode).toBe(403);
    mod.room.disconnect();
    bystander.room.disconnect();
  });
});

describe('control-plane actions', () => {
  it('delivers SendEvent, DeleteMessage and DisconnectUser from the control plane', async () => {
    const alice = await openChatRoom(env, handle, 'alice');
    const events: ChatEvent[] = [];
    const deletes: DeleteMessageEvent[] = [];
    alice.room.addListener('event', (event) => events.push(event));
    alice.room.addListener('messageDelete', (event) => deletes.push(event));

    const eventId = await env.sendEvent(handle, 'app:poll', { question: 'pizza?' });
    const event = await until(() => events[0], 5000, 'event');
    // The frame carries the id SendEvent returned.
    expect(event).toMatchObject({ id: eventId, eventName: 'app:poll', attributes: { question: 'pizza?' } });
    expect(event.requestId).toBeUndefined();

    await env.deleteMessage(handle, 'abcdefABCDEF', 'policy');
    expect(await until(() => deletes[0], 5000, 'delete')).toMatchObject({ messageId: 'abcdefABCDEF', reason: 'policy' });

    const closed = nextDisconnect(alice.room);
    await env.disconnectUser(handle, 'alice', 'bye');
    expect(await closed).toBe('serverDisconnect');
  });
});

describe('lifecycle', () => {
  it('ends an expired session with ERROR 401, and the SDK reconnects with a fresh token', async () => {
    env.shortenSessions(400);
    const alice = await openChatRoom(env, handle, 'alice', { capabilities: ['SEND_MESSAGE'] });
    await until(() => (alice.tokenRequests() >= 2 && alice.room.state === 'connected') || undefined, 5000, 'reconnect');
    expect(alice.disconnects).toEqual([]);
    // Back to normal sessions: wait for the next reconnect, whose session no longer expires quickly.
    env.shortenSessions(undefined);
    const requestsAfterReset = alice.tokenRequests();
    await until(() => (alice.tokenRequests() > requestsAfterReset && alice.room.state === 'connected') || undefined, 5000, 'normal session');
    await expect(send(alice.room, 'still here')).resolves.toMatchObject({ content: 'still here' });
    alice.room.disconnect();
  });

  it('answers requests on an expired connection with ERROR 401 and closes it after a grace period', async () => {
    env.shortenSessions(200);
    const { token } = await env.createChatToken(handle, 'raw', { capabilities: ['SEND_MESSAGE'] });
    const client = await RawChatClient.connect(env.chatUrl, token);
    const expiry = await client.waitFor((f) => f.Type === 'ERROR');
    expect(expiry).toMatchObject({ ErrorCode: 401 });
    expect(expiry.RequestId).toBeUndefined();
    client.sendJson({ Action: 'SEND_MESSAGE', RequestId: 'late', Content: 'hi' });
    expect(await client.waitForRequest('late')).toMatchObject({ Type: 'ERROR', ErrorCode: 401 });
    expect((await client.closed).code).toBe(1008);
  });

  it('closes the sockets of a deleted room cleanly after announcing it', async () => {
    const alice = await openChatRoom(env, handle, 'alice');
    const { token } = await env.createChatToken(handle, 'raw');
    const raw = await RawChatClient.connect(env.chatUrl, token);
    const closed = nextDisconnect(alice.room);
    await env.deleteRoom(handle);
    expect(await closed).toBe('serverDisconnect');
    expect(await raw.waitFor((f) => f.EventName === 'ivs-local:ROOM_DELETED')).toMatchObject({ Type: 'EVENT' });
    expect((await raw.closed).code).toBe(1000);
  });
});

describe('robustness', () => {
  let client: RawChatClient;
  beforeEach(async () => {
    const { token } = await env.createChatToken(handle, 'fuzzer', { capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'] });
    client = await RawChatClient.connect(env.chatUrl, token);
  });

  it.each([
    ['invalid JSON', '{"Action":', undefined],
    ['a JSON array', '[1,2]', undefined],
    ['a JSON string', '"SEND_MESSAGE"', undefined],
    ['a missing Action', '{"RequestId":"q1"}', 'q1'],
    ['an unknown Action', '{"Action":"DROP_TABLE","RequestId":"q2"}', 'q2'],
    ['a non-string Content', '{"Action":"SEND_MESSAGE","RequestId":"q3","Content":42}', 'q3'],
    ['non-string attribute values', '{"Action":"SEND_MESSAGE","RequestId":"q4","Content":"x","Attributes":{"a":1}}', 'q4'],
    ['a numeric RequestId', '{"Action":"SEND_MESSAGE","RequestId":7,"Content":"x"}', undefined],
    ['an empty Content', '{"Action":"SEND_MESSAGE","RequestId":"q5","Content":""}', 'q5'],
    ['a missing UserId', '{"Action":"DISCONNECT_USER","RequestId":"q6"}', 'q6'],
  ])('answers %s with ERROR 400 and keeps the connection', async (_what, text, requestId) => {
    const before = client.frames.length;
    client.ws.send(text);
    const error = await client.waitFor((f) => f.Type === 'ERROR' && client.frames.indexOf(f) >= before);
    expect(error.ErrorCode).toBe(400);
    expect(error.RequestId).toBe(requestId);
    expect(typeof error.ErrorMessage).toBe('string');
    client.sendJson({ Action: 'SEND_MESSAGE', RequestId: 'after', Content: 'still alive' });
    expect(await client.waitForRequest('after')).toMatchObject({ Type: 'MESSAGE' });
    client.close();
  });

  it('answers a binary frame with ERROR 400', async () => {
    client.ws.send(Buffer.from('{"Action":"SEND_MESSAGE"}'), { binary: true });
    expect(await client.waitFor((f) => f.Type === 'ERROR')).toMatchObject({ ErrorCode: 400 });
    client.close();
  });

  it('closes with 1007 on invalid UTF-8 and with 1009 on an oversized frame, and keeps serving others', async () => {
    const { token } = await env.createChatToken(handle, 'big', {});
    const big = await RawChatClient.connect(env.chatUrl, token);
    client.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closed).code).toBe(1007);
    big.ws.send('x'.repeat(64 * 1024));
    expect((await big.closed).code).toBe(1009);

    const { token: fresh } = await env.createChatToken(handle, 'next', { capabilities: ['SEND_MESSAGE'] });
    const next = await RawChatClient.connect(env.chatUrl, fresh);
    next.sendJson({ Action: 'SEND_MESSAGE', RequestId: 'ok', Content: 'server still up' });
    expect(await next.waitForRequest('ok')).toMatchObject({ Type: 'MESSAGE' });
    next.close();
  });

  it('survives a client that disappears mid-handshake', async () => {
    const socket = new WebSocket(env.chatUrl, 'whatever');
    socket.on('error', () => {});
    socket.terminate();
    client.sendJson({ Action: 'SEND_MESSAGE', RequestId: 'ok', Content: 'fine' });
    expect(await client.waitForRequest('ok')).toMatchObject({ Type: 'MESSAGE' });
    client.close();
  });
});
