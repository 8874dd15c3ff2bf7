/**
 * ChatSession (over the real amazon-ivs-chat-messaging ChatRoom) against ivs-local while its socket
 * is cut in the middle of a stream of 100 sends: once by the server (the socket terminated with no
 * close frame), once by the network (a TCP RST from a proxy in between). Another session listens.
 *
 * - every send() that resolved arrived exactly once at the listener;
 * - every send() that rejected did not arrive — with one exception no client can avoid: a TCP reset
 *   can destroy the acknowledgement of a message the server already broadcast. Such a send rejects
 *   with `not-connected` "may or may not have taken effect", and arrived at most once;
 * - no message arrived twice, and the session reconnected by itself, with a fresh token.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ChatSession, type ChatMessage } from '../../../src/chat';
import { ChatError } from '../../../src/core/errors';
import { until } from '../chat/chat-room-helpers';
import { startChatEnv, type ChatEnv } from '../chat/env';
import { TcpProxy } from '../chat/tcp-proxy';

const COUNT = 100;
/** The socket is cut right after this send was made. */
const CUT_AFTER = 42;
/** Sends made back to back before a pause. */
const BURST = 5;

let env: ChatEnv | undefined;
let proxy: TcpProxy | undefined;
const sessions: ChatSession[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.dispose();
  await proxy?.close();
  proxy = undefined;
  await env?.close();
  env = undefined;
});

type Outcome = { content: string; resolved: true; message: ChatMessage } | { content: string; resolved: false; error: unknown };

async function streamWithCut(cut: 'server-terminate' | 'tcp-reset'): Promise<void> {
  env = await startChatEnv();
  const room = await env.createRoom({ maximumMessageRatePerSecond: 100 });
  const chatEnv = env;

  const listener = new ChatSession();
  sessions.push(listener);
  const received: string[] = [];
  listener.on('message', (message) => received.push(message.content));
  await listener.connect({ regionOrUrl: env.chatUrl, tokenProvider: () => chatEnv.createChatToken(room, 'listener') });

  if (cut === 'tcp-reset') proxy = await TcpProxy.start(env.chatUrl);
  const tokens: string[] = [];
  const sender = new ChatSession({ reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, maxQueuedSends: COUNT });
  sessions.push(sender);
  const states: string[] = [];
  sender.on('stateChanged', ({ state }) => states.push(state));
  await sender.connect({
    regionOrUrl: proxy ? proxy.via(env.chatUrl) : env.chatUrl,
    tokenProvider: async () => {
      const minted = await chatEnv.createChatToken(room, 'sender', { capabilities: ['SEND_MESSAGE'] });
      tokens.push(minted.token);
      return minted;
    },
  });

  const outcomes: Promise<Outcome>[] = [];
  let cutDone: Promise<void> | undefined;
  for (let i = 0; i < COUNT; i++) {
    const content = `m${i}`;
    outcomes.push(
      sender.send(content).then(
        (message): Outcome => ({ content, resolved: true, message }),
        (error: unknown): Outcome => ({ content, resolved: false, error }),
      ),
    );
    if (i === CUT_AFTER) {
      if (cut === 'server-terminate') {
        // At once: the last sends of this burst are still unread on the server's socket.
        expect(chatEnv.chat.cutConnections('terminate', 'sender')).toBe(1);
      } else {
        // A moment later, while the server works through the burst and its acknowledgements are on the wire.
        cutDone = new Promise((resolve) =>
          setTimeout(() => {
            proxy!.resetAll();
            resolve();
          }, 1),
        );
      }
    }
    // Bursts of BURST sends, about 125 messages a second: several requests are in flight when the cut comes.
    if (i % BURST === BURST - 1) await new Promise((resolve) => setTimeout(resolve, 40));
  }
  await cutDone;
  const settled = await Promise.all(outcomes);

  // The session came back by itself, with a token it had not used before (chat tokens are single-use).
  await until(() => sender.state === 'connected' && tokens.length >= 2, 10_000, 'the sender to reconnect');
  expect(states).toContain('reconnecting');
  expect(new Set(tokens).size).toBe(tokens.length);
  // A last message from the new connection: once the listener has it, everything sent before is in.
  await sender.send('sentinel');
  await until(() => received.includes('sentinel'), 10_000, 'the sentinel at the listener');

  const resolved = settled.filter((o) => o.resolved);
  const rejected = settled.filter((o): o is Extract<Outcome, { resolved: false }> => !o.resolved);
  const countOf = (content: string) => received.filter((c) => c === content).length;
  expect(resolved.map((o) => [o.content, countOf(o.content)]).filter(([, n]) => n !== 1), 'resolved sends not received exactly once').toEqual([]);
  for (const o of rejected) {
    expect(o.error).toBeInstanceOf(ChatError);
    expect((o.error as ChatError).reason).toBe('not-connected');
  }
  // A request in flight when the connection died has an unknown fate, and its error says so.
  const unknownFate = (o: Extract<Outcome, { resolved: false }>) => /may or may not have taken effect/.test((o.error as Error).message);
  const arrivedAfterRejection = rejected.filter((o) => countOf(o.content) > 0);
  if (cut === 'server-terminate') {
    // The server wrote every acknowledgement it owed before it cut the socket: a rejected send never arrived.
    expect(arrivedAfterRejection.map((o) => o.content), 'rejected sends that were received').toEqual([]);
    expect(rejected.length, 'sends in flight at the cut').toBeGreaterThan(0);
  } else {
    // A reset can also destroy acknowledgements already on the wire, after the server broadcast the
    // message: no client can tell those from sends the server never saw (IVS Chat has no
    // idempotent resend or history). Such a send arrived at most once, and it was rejected as
    // "may or may not have taken effect"; a send rejected for any other reason never arrived.
    expect(arrivedAfterRejection.filter((o) => !unknownFate(o) || countOf(o.content) !== 1).map((o) => o.content)).toEqual([]);
  }
  // Nothing else reached the listener (no duplicates, nothing invented).
  expect(received.length).toBe(resolved.length + arrivedAfterRejection.length + 1);
  expect(new Set(received).size).toBe(received.length);
  console.log(
    `${cut}: ${resolved.length} resolved, ${rejected.length} rejected (${rejected.map((o) => o.content).join(' ')}; arrived anyway: ${arrivedAfterRejection.map((o) => o.content).join(' ') || 'none'}), ${tokens.length} tokens`,
  );
  // The cut really happened mid-stream: sends before it were acknowledged, sends after it too.
  expect(resolved.some((o) => Number(o.content.slice(1)) < CUT_AFTER)).toBe(true);
  expect(resolved.some((o) => Number(o.content.slice(1)) > CUT_AFTER)).toBe(true);
}

describe('ChatSession with its socket cut in the middle of 100 sends', () => {
  test('cut by the server (socket terminated, no close frame)', async () => {
    await streamWithCut('server-terminate');
  });

  test('cut by the network (TCP reset)', async () => {
    await streamWithCut('tcp-reset');
  });
});
