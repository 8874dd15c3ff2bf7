import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatRoom } from 'amazon-ivs-chat-messaging';
import { ChatSession, type ChatSessionOptions } from '../../../src/chat';
import type { ChatMessage, ChatSessionEvents, ChatSessionState, ChatToken } from '../../../src/chat';
import { AbortedError, ChatError, InvalidStateError, ValidationError } from '../../../src/core/errors';
import { SigV4ControlPlane } from '../../../src/sigv4';
import type { LocalChatCapability } from '../../../packages/ivs-local/src/hub';
import { startChatEnv, type ChatEnv, type RoomHandle } from './env';
import { until } from './chat-room-helpers';
import { TcpProxy } from './tcp-proxy';

let env: ChatEnv;
let handle: RoomHandle;
const sessions: ChatSession[] = [];

beforeEach(async () => {
  env = await startChatEnv();
  handle = await env.createRoom();
});

afterEach(async () => {
  for (const session of sessions.splice(0)) session.dispose();
  await env.close();
});

interface Recorded {
  session: ChatSession;
  states: ChatSessionState[];
  messages: ChatMessage[];
  events: { [K in keyof ChatSessionEvents]: ChatSessionEvents[K][] };
  tokenCalls: () => number;
}

interface SessionSetup {
  userId?: string;
  capabilities?: LocalChatCapability[];
  attributes?: Record<string, string>;
  url?: string;
  options?: ChatSessionOptions;
  /** Awaited inside the token provider before minting (lets a test hold a reconnect). */
  gate?: (call: number) => Promise<void> | void;
  /** Rewrites the minted token response (e.g. a shorter tokenExpirationTime). */
  shape?: (token: ChatToken) => ChatToken;
  tellUserId?: boolean;
}

function record(session: ChatSession): Omit<Recorded, 'tokenCalls'> {
  const events = {
    stateChanged: [],
    message: [],
    event: [],
    messageDeleted: [],
    userDisconnected: [],
    disconnected: [],
    error: [],
  } as unknown as Recorded['events'];
  for (const name of Object.keys(events) as (keyof ChatSessionEvents)[]) {
    session.on(name, (payload) => (events[name] as unknown[]).push(payload));
  }
  const states: ChatSessionState[] = [];
  session.on('stateChanged', ({ state }) => states.push(state));
  return { session, states, messages: events.message as ChatMessage[], events };
}

async function openSession(room: RoomHandle, setup: SessionSetup = {}): Promise<Recorded> {
  const userId = setup.userId ?? 'alice';
  const session = new ChatSession({ reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...setup.options });
  sessions.push(session);
  const recorded = record(session);
  let calls = 0;
  await session.connect({
    regionOrUrl: setup.url ?? env.chatUrl,
    ...(setup.tellUserId ? { userId } : {}),
    tokenProvider: async () => {
      calls += 1;
      await setup.gate?.(calls);
      const minted = await env.createChatToken(room, userId, {
        ...(setup.capabilities ? { capabilities: setup.capabilities } : {}),
        ...(setup.attributes ? { attributes: setup.attributes } : {}),
      });
      return setup.shape ? setup.shape(minted) : minted;
    },
  });
  return { ...recorded, tokenCalls: () => calls };
}

function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('ChatSession: connecting', () => {
  it('connect() goes idle → connecting → connected and resolves once connected', async () => {
    const alice = await openSession(handle);
    expect(alice.session.state).toBe('connected');
    expect(alice.states).toEqual(['connecting', 'connected']);
    expect(alice.tokenCalls()).toBe(1);
  });

  it('works with an injected ChatRoom class', async () => {
    const alice = await openSession(handle, { options: { chatRoomClass: ChatRoom }, capabilities: ['SEND_MESSAGE'] });
    await expect(alice.session.send('injected')).resolves.toMatchObject({ content: 'injected' });
  });

  it('connect() while connected throws InvalidStateError; bad arguments throw ValidationError', async () => {
    const alice = await openSession(handle);
    await expect(alice.session.connect({ regionOrUrl: env.chatUrl, tokenProvider: async () => ({ token: 'x' }) })).rejects.toBeInstanceOf(
      InvalidStateError,
    );
    const fresh = new ChatSession();
    sessions.push(fresh);
    await expect(fresh.connect({ regionOrUrl: 'not a region!', tokenProvider: async () => ({ token: 'x' }) })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'regionOrUrl',
    });
    await expect(fresh.connect({ regionOrUrl: env.chatUrl, tokenProvider: 'nope' as never })).rejects.toMatchObject({ field: 'tokenProvider' });
    expect(fresh.state).toBe('idle');
  });

  it('an aborted signal cancels connecting with AbortedError and stops with reason user', async () => {
    const session = new ChatSession();
    sessions.push(session);
    const recorded = record(session);
    const controller = new AbortController();
    const connecting = session.connect({
      regionOrUrl: env.chatUrl,
      signal: controller.signal,
      tokenProvider: () => new Promise<ChatToken>(() => {}),
    });
    controller.abort();
    await expect(connecting).rejects.toBeInstanceOf(AbortedError);
    expect(session.state).toBe('disconnected');
    expect(recorded.events.disconnected).toEqual([{ reason: 'user', error: expect.any(AbortedError) }]);
  });

  it('aborting the signal after connecting disconnects the session', async () => {
    const controller = new AbortController();
    const session = new ChatSession();
    sessions.push(session);
    await session.connect({ regionOrUrl: env.chatUrl, signal: controller.signal, tokenProvider: () => env.createChatToken(handle, 'a') });
    controller.abort();
    expect(session.state).toBe('disconnected');
    expect(session.stopReason).toBe('user');
    await until(() => env.chat.connectionCount(handle.arn) === 0 || undefined, 5000, 'server sees the close');
  });

  it('a token provider that keeps failing stops the session with fetch-token-error after the attempt limit', async () => {
    const session = new ChatSession({ reconnect: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } });
    sessions.push(session);
    const recorded = record(session);
    let calls = 0;
    const error = await rejectionOf(
      session.connect({
        regionOrUrl: env.chatUrl,
        tokenProvider: async () => {
          calls += 1;
          throw new Error('backend down');
        },
      }),
    );
    expect(error).toBeInstanceOf(ChatError);
    expect((error as ChatError).message).toMatch(/fetch-token-error/);
    expect(calls).toBe(3); // first attempt + 2 retries
    expect(recorded.events.disconnected).toHaveLength(1);
    expect(recorded.events.disconnected[0]?.reason).toBe('fetch-token-error');
    expect(recorded.events.error.length).toBeGreaterThanOrEqual(3);
  });

  it('a server that refuses connections is retried with backoff until the attempt limit (attempts-exhausted)', async () => {
    const proxy = await TcpProxy.start(env.chatUrl);
    proxy.refuse = true;
    const session = new ChatSession({ reconnect: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 80 }, random: () => 1 });
    sessions.push(session);
    const recorded = record(session);
    const started = Date.now();
    const error = await rejectionOf(session.connect({ regionOrUrl: proxy.via(env.chatUrl), tokenProvider: () => env.createChatToken(handle, 'a') }));
    expect((error as ChatError).reason).toBe('not-connected');
    expect(recorded.events.disconnected[0]?.reason).toBe('attempts-exhausted');
    // Waits of 40, 80 and 80 ms (capped) with random() = 1.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await proxy.close();
  });
});

describe('ChatSession: messaging', () => {
  it('send() resolves with the acknowledged message; other sessions receive it with sender and attributes', async () => {
    const alice = await openSession(handle, { userId: 'alice', capabilities: ['SEND_MESSAGE'], attributes: { displayName: 'Alice' } });
    const bob = await openSession(handle, { userId: 'bob', capabilities: ['SEND_MESSAGE'] });
    const ack = await alice.session.send('hello', { color: 'teal' });
    expect(ack).toMatchObject({
      content: 'hello',
      attributes: { color: 'teal' },
      sender: { userId: 'alice', attributes: { displayName: 'Alice' } },
    });
    expect(ack.id).toMatch(/^[a-zA-Z0-9]{12}$/);
    expect(ack.requestId).toEqual(expect.any(String));
    const atBob = await until(() => bob.messages.find((m) => m.id === ack.id), 5000, 'bob receives');
    expect(atBob).toEqual({ ...ack, sendTime: expect.any(Date) });
    expect(alice.session.userId).toBe('alice');

    const reply = await bob.session.send('hi');
    expect(reply.sender).toEqual({ userId: 'bob', attributes: {} });
    await until(() => alice.messages.find((m) => m.id === reply.id), 5000, 'alice receives');
  });

  it('rejects invalid input with ValidationError before sending anything', async () => {
    const alice = await openSession(handle, { capabilities: ['SEND_MESSAGE'] });
    const watcher = await openSession(handle, { userId: 'watcher' });
    await expect(alice.session.send('')).rejects.toMatchObject({ name: 'ValidationError', field: 'content' });
    await expect(alice.session.send('x'.repeat(501))).rejects.toBeInstanceOf(ValidationError);
    await expect(alice.session.send(42 as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(alice.session.send('ok', { n: 1 } as never)).rejects.toMatchObject({ field: 'attributes.n' });
    // 500 astral characters are 1000 UTF-16 units but 500 code points: allowed.
    await expect(alice.session.send('😀'.repeat(500))).resolves.toMatchObject({ sender: { userId: 'alice' } });
    await until(() => watcher.messages.length === 1 || undefined, 5000, 'one message');
    expect(watcher.messages).toHaveLength(1);
  });

  it('maps server refusals to ChatError reasons: forbidden (403), bad-request (400), too-large (413), rate-limited (429)', async () => {
    const viewer = await openSession(handle, { userId: 'viewer' });
    const forbidden = (await rejectionOf(viewer.session.send('may I?'))) as ChatError;
    expect(forbidden).toBeInstanceOf(ChatError);
    expect(forbidden).toMatchObject({ reason: 'forbidden', errorCode: 403 });
    expect(forbidden.requestId).toEqual(expect.any(String));

    const strict = await env.createRoom({ maximumMessageLength: 10, maximumMessageRatePerSecond: 3 });
    const alice = await openSession(strict, { capabilities: ['SEND_MESSAGE'] });
    expect(await rejectionOf(alice.session.send('this is longer than ten'))).toMatchObject({ reason: 'bad-request', errorCode: 400 });
    expect(await rejectionOf(alice.session.send('big', { blob: 'y'.repeat(2000) }))).toMatchObject({ reason: 'too-large', errorCode: 413 });
    const burst = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => alice.session.send(`m${i}`)));
    const refused = burst.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as ChatError);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused.every((e) => e.reason === 'rate-limited' && e.errorCode === 429)).toBe(true);
  });

  it('delivers SendEvent from the control plane as an event', async () => {
    const alice = await openSession(handle);
    await env.sendEvent(handle, 'app:reaction', { emoji: '🎉' });
    const event = await until(() => alice.events.event[0], 5000, 'event');
    expect(event).toMatchObject({ eventName: 'app:reaction', attributes: { emoji: '🎉' }, requestId: undefined });
    expect(event.sendTime).toBeInstanceOf(Date);
  });

  it('send() before connect(), after disconnect() and after dispose() rejects with not-connected / disposed', async () => {
    const session = new ChatSession();
    sessions.push(session);
    expect(await rejectionOf(session.send('early'))).toMatchObject({ reason: 'not-connected' });
    await session.connect({ regionOrUrl: env.chatUrl, tokenProvider: () => env.createChatToken(handle, 'a', { capabilities: ['SEND_MESSAGE'] }) });
    session.disconnect();
    expect(await rejectionOf(session.send('late'))).toMatchObject({ reason: 'not-connected' });
    session.dispose();
    session.dispose();
    expect(await rejectionOf(session.send('gone'))).toMatchObject({ reason: 'disposed' });
    await expect(session.connect({ regionOrUrl: env.chatUrl, tokenProvider: () => env.createChatToken(handle, 'a') })).rejects.toBeInstanceOf(
      InvalidStateError,
    );
  });

  it('a request the server never answers fails with timeout', async () => {
    const proxy = await TcpProxy.start(env.chatUrl);
    const alice = await openSession(handle, { url: proxy.via(env.chatUrl), capabilities: ['SEND_MESSAGE'], options: { requestTimeoutMs: 300 } });
    proxy.freeze = true;
    expect(await rejectionOf(alice.session.send('into the void'))).toMatchObject({ reason: 'timeout' });
    await proxy.close();
  });
});

describe('ChatSession: moderation', () => {
  it('deleteMessage() of an own message and as a moderator reaches everyone as messageDeleted', async () => {
    const alice = await openSession(handle, { userId: 'alice', capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE'] });
    const mod = await openSession(handle, { userId: 'mod', capabilities: ['DELETE_MESSAGE'] });
    const viewer = await openSession(handle, { userId: 'viewer' });

    const own = await alice.session.send('typo');
    await expect(alice.session.deleteMessage(own.id, 'fixing')).resolves.toMatchObject({ messageId: own.id, reason: 'fixing' });
    const spam = await alice.session.send('spam');
    await expect(mod.session.deleteMessage(spam.id)).resolves.toMatchObject({ messageId: spam.id, reason: undefined });

    await until(() => viewer.events.messageDeleted.length === 2 || undefined, 5000, 'two deletions');
    expect(viewer.events.messageDeleted.map((e) => e.messageId)).toEqual([own.id, spam.id]);
    expect(await rejectionOf(viewer.session.deleteMessage(own.id))).toMatchObject({ reason: 'forbidden', errorCode: 403 });
    await expect(viewer.session.deleteMessage('')).rejects.toBeInstanceOf(ValidationError);
  });

  it('disconnectUser() kicks every connection of that user: they stop with reason kicked', async () => {
    const mod = await openSession(handle, { userId: 'mod', capabilities: ['DISCONNECT_USER'] });
    const troll = await openSession(handle, { userId: 'troll' });
    const trollAgain = await openSession(handle, { userId: 'troll', tellUserId: true });
    const bystander = await openSession(handle, { userId: 'bystander' });

    await expect(mod.session.disconnectUser('troll', 'spam')).resolves.toMatchObject({ userId: 'troll', reason: 'spam' });
    await until(() => (troll.session.state === 'disconnected' && trollAgain.session.state === 'disconnected') || undefined, 5000, 'both kicked');
    expect(troll.events.disconnected).toEqual([{ reason: 'kicked', error: undefined }]);
    expect(trollAgain.session.stopReason).toBe('kicked');
    // Kicked sessions do not come back by themselves.
    expect(troll.tokenCalls()).toBe(1);
    expect(bystander.session.state).toBe('connected');
    expect(bystander.events.userDisconnected).toEqual([expect.objectContaining({ userId: 'troll', reason: 'spam' })]);
    expect(mod.session.state).toBe('connected');
  });

  it('a token provider returning mintChatToken results tells the session its user id, so a kick of that user is recognised exactly', async () => {
    const controlPlane = new SigV4ControlPlane({ region: env.ivs.region, credentials: env.ivs.credentials, endpoint: env.ivs.url });
    const mod = await openSession(handle, { userId: 'mod', capabilities: ['DISCONNECT_USER'] });
    const carol = new ChatSession();
    sessions.push(carol);
    const disconnected: ChatSessionEvents['disconnected'][] = [];
    carol.on('disconnected', (event) => disconnected.push(event));
    await carol.connect({ regionOrUrl: env.chatUrl, tokenProvider: () => controlPlane.mintChatToken({ roomArn: handle.arn, userId: 'carol' }) });
    // Known from the token alone: carol has sent nothing.
    expect(carol.userId).toBe('carol');

    await mod.session.disconnectUser('someone-else', 'not carol');
    expect(carol.state).toBe('connected');
    await mod.session.disconnectUser('carol', 'spam');
    await until(() => disconnected[0], 5000, 'carol disconnected');
    expect(disconnected).toEqual([{ reason: 'kicked', error: undefined }]);
    controlPlane.dispose();
  });

  it('a DisconnectUser from the control plane also stops the user with reason kicked', async () => {
    const alice = await openSession(handle, { userId: 'alice', tellUserId: true });
    await env.disconnectUser(handle, 'alice', 'banned');
    await until(() => alice.events.disconnected[0], 5000, 'disconnected');
    expect(alice.session.stopReason).toBe('kicked');
  });

  it('a deleted room stops its sessions with reason room-deleted', async () => {
    const alice = await openSession(handle);
    await env.deleteRoom(handle);
    await until(() => alice.events.disconnected[0], 5000, 'disconnected');
    expect(alice.events.disconnected).toEqual([{ reason: 'room-deleted', error: undefined }]);
    expect(alice.session.state).toBe('disconnected');
  });
});

describe('ChatSession: reconnecting', () => {
  it('an expired session (ERROR 401) reconnects with a new token from the provider', async () => {
    const alice = await openSession(handle, { capabilities: ['SEND_MESSAGE'] });
    env.shortenSessions(300);
    // The current connection has a normal session: drop into a short one by reconnecting once.
    const bob = await openSession(handle, { userId: 'bob', capabilities: ['SEND_MESSAGE'] });
    await until(() => (bob.tokenCalls() >= 2 && bob.session.state === 'connected') || undefined, 5000, 'reconnect after 401');
    env.shortenSessions(undefined);
    const before = bob.tokenCalls();
    await until(() => (bob.tokenCalls() > before && bob.session.state === 'connected') || undefined, 5000, 'normal session');
    expect(bob.states).toContain('reconnecting');
    expect(bob.events.disconnected).toEqual([]);
    await expect(bob.session.send('back')).resolves.toMatchObject({ content: 'back' });
    expect(alice.session.state).toBe('connected');
  });

  it('refreshes the connection before the session ends, seamlessly and with a new token', async () => {
    // ChatRoom opens the next connection 30 s before the instant it is given when less than a
    // minute is left; ChatSession gives it the session's end.
    const alice = await openSession(handle, {
      capabilities: ['SEND_MESSAGE'],
      shape: (token) => ({ ...token, sessionExpirationTime: new Date(Date.now() + 30_600) }),
    });
    await until(() => alice.tokenCalls() >= 2 || undefined, 5000, 'proactive refresh');
    await until(() => env.chat.connectionCount(handle.arn) === 1 || undefined, 5000, 'old socket closed');
    expect(alice.states).toEqual(['connecting', 'connected']);
    await expect(alice.session.send('after refresh')).resolves.toMatchObject({ content: 'after refresh' });
  });

  it('does not replace the connection just because a short-lived token expires (the session still runs)', async () => {
    const alice = await openSession(handle, {
      shape: (token) => ({ ...token, tokenExpirationTime: new Date(Date.now() + 30_300) }),
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(alice.tokenCalls()).toBe(1);
    expect(alice.session.state).toBe('connected');
  });

  it('a dropped connection reconnects, and a send made meanwhile is delivered exactly once', async () => {
    const proxy = await TcpProxy.start(env.chatUrl);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const alice = await openSession(handle, {
      url: proxy.via(env.chatUrl),
      capabilities: ['SEND_MESSAGE'],
      gate: (call) => (call === 2 ? held : undefined),
    });
    const watcher = await openSession(handle, { userId: 'watcher' });

    proxy.dropAll();
    await until(() => (alice.session.state === 'reconnecting' ? true : undefined), 5000, 'reconnecting');
    const queued = alice.session.send('sent while reconnecting');
    expect(alice.session.queuedSends).toBe(1);
    release();
    const ack = await queued;
    expect(ack.content).toBe('sent while reconnecting');
    expect(alice.session.state).toBe('connected');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watcher.messages.filter((m) => m.content === 'sent while reconnecting')).toHaveLength(1);
    expect(alice.states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(alice.events.stateChanged[2]).toEqual({ state: 'reconnecting', previous: 'connected', reason: 'connection-lost' });
    await proxy.close();
  });

  it('keeps retrying with backoff while the server is unreachable and recovers when it is back', async () => {
    const proxy = await TcpProxy.start(env.chatUrl);
    const alice = await openSession(handle, { url: proxy.via(env.chatUrl), capabilities: ['SEND_MESSAGE'], options: { reconnect: { baseDelayMs: 30, maxDelayMs: 60, maxAttempts: 20 } } });
    proxy.refuse = true;
    proxy.dropAll();
    await until(() => (alice.events.error.length >= 2 ? true : undefined), 5000, 'failed attempts');
    expect(alice.session.state).toBe('reconnecting');
    proxy.refuse = false;
    await until(() => (alice.session.state === 'connected' ? true : undefined), 5000, 'recovered');
    await expect(alice.session.send('recovered')).resolves.toMatchObject({ content: 'recovered' });
    await proxy.close();
  });

  it('resets the attempt counter after a connection stayed up for minUptime', async () => {
    const proxy = await TcpProxy.start(env.chatUrl);
    const options = { reconnect: { maxAttempts: 1, minUptimeMs: 150, baseDelayMs: 10, maxDelayMs: 20 } };
    const stable = await openSession(handle, { url: proxy.via(env.chatUrl), options });
    for (let round = 0; round < 3; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      // ChatRoom's immediate reconnect is refused: one counted attempt, then the backoff retry succeeds.
      const seen = stable.states.length;
      proxy.refuseNext = 1;
      proxy.dropAll();
      await until(
        () => (stable.states.slice(seen).join() === 'reconnecting,connected' ? true : undefined),
        5000,
        `reconnected in round ${round}`,
      );
    }
    expect(stable.events.disconnected).toEqual([]);
    expect(stable.events.error.length).toBe(3);

    // The same failure right after reconnecting (uptime < minUptime): the attempt used in the
    // last round still counts, so the single allowed attempt is exhausted.
    proxy.refuseNext = 1;
    proxy.dropAll();
    await until(() => stable.events.disconnected[0], 5000, 'stopped');
    expect(stable.session.stopReason).toBe('attempts-exhausted');
    await proxy.close();
  });

  it('disconnect() during a backoff wait stops at once and makes no further attempts', async () => {
    const proxy = await TcpProxy.start(env.chatUrl);
    proxy.refuse = true;
    const session = new ChatSession({ reconnect: { baseDelayMs: 60_000, maxDelayMs: 60_000 }, random: () => 0.5 });
    sessions.push(session);
    const recorded = record(session);
    let calls = 0;
    const connecting = session.connect({
      regionOrUrl: proxy.via(env.chatUrl),
      tokenProvider: () => {
        calls += 1;
        return env.createChatToken(handle, 'a');
      },
    });
    await until(() => (recorded.events.error.length === 1 ? true : undefined), 5000, 'first attempt failed');
    session.disconnect();
    await expect(connecting).rejects.toBeInstanceOf(AbortedError);
    expect(session.state).toBe('disconnected');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(calls).toBe(1);
    await proxy.close();
  });

  it('bounds the send queue while reconnecting (queue-full) and fails queued sends when the session stops', async () => {
    const proxy = await TcpProxy.start(env.chatUrl);
    const alice = await openSession(handle, {
      url: proxy.via(env.chatUrl),
      capabilities: ['SEND_MESSAGE'],
      options: { maxQueuedSends: 2 },
      gate: (call) => (call >= 2 ? new Promise<void>(() => {}) : undefined),
    });
    proxy.dropAll();
    await until(() => (alice.session.state === 'reconnecting' ? true : undefined), 5000, 'reconnecting');
    const first = alice.session.send('one');
    const second = alice.session.send('two');
    expect(await rejectionOf(alice.session.send('three'))).toMatchObject({ reason: 'queue-full' });
    alice.session.disconnect();
    expect(await rejectionOf(first)).toMatchObject({ reason: 'not-connected' });
    expect(await rejectionOf(second)).toMatchObject({ reason: 'not-connected' });
    expect(alice.events.disconnected).toEqual([{ reason: 'user', error: undefined }]);
    await proxy.close();
  });
});
