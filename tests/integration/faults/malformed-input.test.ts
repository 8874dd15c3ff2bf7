/**
 * Malformed input against a child `ivs-local` (the real CLI, with --data): the inputs the fault
 * report found, replayed byte for byte, then a bounded property-based fuzz of control-plane bodies
 * and chat frames. Control-plane and chat routes never answer 5xx, every control-plane error has the
 * AWS shape (`x-amzn-ErrorType`, JSON body), no stack trace reaches stderr, and the process serves on.
 */
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { CreateChatTokenCommand, CreateRoomCommand, IvschatClient } from '@aws-sdk/client-ivschat';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_LOCAL_CREDENTIALS } from '../../../packages/ivs-local/src/index';
import { RawChatClient, type RawFrame } from '../chat/raw-client';
import { startCli, type CliChild } from '../local/cli-process';
import { sendRaw, signRequest, type RawResponse } from '../local/raw-http';

let dir: string;
let ivs: CliChild;
let realtime: IVSRealTimeClient;
let chat: IvschatClient;
let roomArn: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ivs-local-malformed-'));
  ivs = await startCli(['--port', '0', '--quiet', '--data', join(dir, 'state.json')]);
  const config = { endpoint: ivs.url, region: 'us-east-1', credentials: { ...DEFAULT_LOCAL_CREDENTIALS }, maxAttempts: 1 };
  realtime = new IVSRealTimeClient(config);
  chat = new IvschatClient(config);
  roomArn = (await chat.send(new CreateRoomCommand({ name: 'faults', maximumMessageRatePerSecond: 100 }))).arn!;
});
afterAll(async () => {
  realtime?.destroy();
  chat?.destroy();
  if (ivs && ivs.child.exitCode === null) ivs.child.kill('SIGKILL');
  await ivs?.exited;
  await rm(dir, { recursive: true, force: true });
});

interface RawHttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `request` on a fresh TCP connection and reads the whole answer (the request asks to close). */
function exchange(request: string | Buffer): Promise<RawHttpAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(ivs.port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

/** A correctly signed control-plane request as raw header lines (to duplicate or add headers). */
async function signedLines(path: string, body: string, service: 'ivs' | 'ivschat' = 'ivs'): Promise<{ lines: string[]; body: string }> {
  const req = await signRequest({ baseUrl: ivs.url, path, body, service, credentials: DEFAULT_LOCAL_CREDENTIALS });
  return { lines: Object.entries(req.headers ?? {}).map(([k, v]) => `${k}: ${v}`), body };
}

function http(method: string, path: string, lines: string[], body = ''): string {
  return `${method} ${path} HTTP/1.1\r\n${[...lines, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`;
}

/** AWS restJson1 error shape: status 4xx, `x-amzn-ErrorType`, a request id and a JSON body with a message. */
function expectAwsError(answer: RawHttpAnswer | RawResponse, status: number, type: string): void {
  const headers = answer.headers as Record<string, unknown>;
  const text = 'body' in answer ? answer.body : answer.text;
  expect(answer.status, text).toBe(status);
  expect(headers['x-amzn-errortype']).toBe(type);
  expect(headers['x-amzn-requestid']).toBeTruthy();
  const json = JSON.parse(text) as Record<string, unknown>;
  expect(typeof (json['message'] ?? json['exceptionMessage'])).toBe('string');
}

async function expectStillServing(): Promise<void> {
  const health = await sendRaw(ivs.url, { method: 'GET', path: '/_ivs-local/health' });
  expect(health.status).toBe(200);
  const { stage } = await realtime.send(new CreateStageCommand({ name: 'still-serving' }));
  expect(stage?.arn).toContain(':stage/');
}

describe('the malformed inputs of the fault report, replayed', () => {
  test('Expect: bogus gets an AWS-shaped 417 on control-plane, chat and health routes, not Node\'s bare one', async () => {
    const signed = await signedLines('/CreateStage', '{"name":"x"}');
    const answer = await exchange(http('POST', '/CreateStage', [...signed.lines, 'Expect: bogus'], signed.body));
    expectAwsError(answer, 417, 'ExpectationFailedException');
    expect(JSON.parse(answer.body)).toHaveProperty('exceptionMessage'); // the Real-Time error body
    expectAwsError(await exchange(http('GET', '/chat', ['Host: x', 'Expect: bogus'])), 417, 'ExpectationFailedException');
    expectAwsError(await exchange(http('GET', '/_ivs-local/health', ['Host: x', 'Expect: 200-ok'])), 417, 'ExpectationFailedException');
    // 100-continue is still met.
    const cont = await exchange(http('POST', '/CreateStage', [...signed.lines, 'Expect: 100-continue'], signed.body));
    expect([100, 200]).toContain(cont.status);
  });

  test('a duplicate Authorization (or X-Amz-Date) header is refused with 403 IncompleteSignatureException', async () => {
    const signed = await signedLines('/ListStages', '{}');
    const auth = signed.lines.find((l) => l.toLowerCase().startsWith('authorization:'))!;
    const date = signed.lines.find((l) => l.toLowerCase().startsWith('x-amz-date:'))!;
    for (const extra of [auth, auth.replace(/Signature=\w+/, 'Signature=00'), date]) {
      const answer = await exchange(http('POST', '/ListStages', [...signed.lines, extra], signed.body));
      expectAwsError(answer, 403, 'IncompleteSignatureException');
      expect(JSON.parse(answer.body).message).toMatch(/more than one/);
    }
    // The same request without the duplicate passes.
    expect((await exchange(http('POST', '/ListStages', signed.lines, signed.body))).status).toBe(200);
  });

  test('malformed %-encoding, paths and headers on control-plane and chat routes get 4xx', async () => {
    const cases: [string, string[], number][] = [
      ['POST /tags/%ZZ', ['Host: x', 'Content-Length: 0'], 403],
      ['GET /tags/%E0%A4%A', ['Host: x'], 403],
      ['POST /%ZZ', ['Host: x', 'Content-Length: 0'], 404],
      ['GET /chat/%ZZ', ['Host: x'], 426],
      ['GET /_ivs-local/%ZZ', ['Host: x'], 404],
      ['POST /CreateStage', ['Host: x', 'Content-Length: abc'], 400],
      ['POST /CreateStage', ['Host: x', 'Content-Length: 2', 'Transfer-Encoding: chunked'], 400],
      ['POST /CreateStage', ['Host: x', `X-Long: ${'a'.repeat(20_000)}`], 431],
      ['POST /CreateStage', ['Host: x', 'Bad Header: x'], 400],
    ];
    for (const [line, headers, status] of cases) {
      const [method, path] = line.split(' ') as [string, string];
      const answer = await exchange(http(method, path, headers));
      expect(answer.status, line).toBe(status);
      if (status !== 426) expect(answer.headers['x-amzn-errortype'], line).toMatch(/^[A-Za-z]+$/);
    }
    // A WebSocket upgrade to a malformed chat path is refused without a 5xx.
    const upgrade = await exchange(
      http('GET', '/chat/%ZZ', ['Host: x', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==']),
    );
    expect(upgrade.status).toBeGreaterThanOrEqual(400);
    expect(upgrade.status).toBeLessThan(500);
    await expectStillServing();
  });
});

describe('property-based fuzz against the child process', () => {
  const OPERATIONS = ['CreateStage', 'UpdateStage', 'DeleteStage', 'CreateParticipantToken', 'ImportPublicKey', 'CreateRoom', 'UpdateRoom', 'CreateChatToken', 'SendEvent', 'TagResource'];

  test('control-plane bodies: AWS-shaped answers, never a 5xx', async () => {
    const serverErrors: string[] = [];
    const body = fc.oneof(
      fc.dictionary(
        fc.constantFrom('name', 'arn', 'identifier', 'roomIdentifier', 'stageArn', 'userId', 'tags', 'attributes', 'capabilities', 'duration', 'publicKeyMaterial', 'eventName', 'maximumMessageLength'),
        fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.double(), fc.constant(null), fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 4 }), fc.constant(roomArn)),
        { maxKeys: 5 },
      ).map((o) => JSON.stringify(o)),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 120 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), fc.constantFrom<'ivs' | 'ivschat'>('ivs', 'ivschat'), body, async (operation, service, payload) => {
        const req = await signRequest({ baseUrl: ivs.url, path: `/${operation}`, body: payload, service, credentials: DEFAULT_LOCAL_CREDENTIALS });
        const res = await sendRaw(ivs.url, req);
        if (res.status >= 500 && res.status !== 501) serverErrors.push(`${res.status} ${operation} ${payload.slice(0, 80)} → ${res.text.slice(0, 120)}`);
        if (res.status >= 400) {
          expect(res.headers['x-amzn-errortype']).toMatch(/^[A-Za-z]+$/);
          expect(res.json).toBeTypeOf('object');
        }
      }),
      { numRuns: 250, seed: 1616 },
    );
    expect(serverErrors).toEqual([]);
    await expectStillServing();
  });

  test('chat frames: junk gets ERROR frames with 4xx codes, the socket stays usable, never a 5xx', async () => {
    const { token } = await chat.send(new CreateChatTokenCommand({ roomIdentifier: roomArn, userId: 'fuzzer', capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'] }));
    const client = await RawChatClient.connect(`${ivs.url.replace('http', 'ws')}/chat`, token!);
    const frame = fc.oneof(
      fc.record(
        {
          Action: fc.oneof(fc.constantFrom('SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER', 'send_message', ''), fc.string({ maxLength: 20 }), fc.integer()),
          RequestId: fc.oneof(fc.uuid(), fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null)),
          Content: fc.oneof(fc.string({ maxLength: 600 }), fc.integer(), fc.constant(null)),
          Attributes: fc.oneof(fc.dictionary(fc.string({ maxLength: 30 }), fc.oneof(fc.string({ maxLength: 300 }), fc.integer()), { maxKeys: 8 }), fc.string(), fc.constant(null)),
          Id: fc.oneof(fc.stringMatching(/^[a-zA-Z0-9]{12}$/), fc.string({ maxLength: 20 })),
          UserId: fc.oneof(fc.string({ maxLength: 200 }), fc.integer()),
          Reason: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null)),
        },
        { requiredKeys: [] },
      ).map((o) => JSON.stringify(o)),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 200 }),
    );
    const frames = fc.sample(frame, { numRuns: 300, seed: 1617 });
    for (const text of frames) client.ws.send(text);
    // Whatever happened to the junk, a valid request sent last is answered on the same socket.
    client.sendJson({ Action: 'SEND_MESSAGE', RequestId: 'after-the-fuzz', Content: 'still here' });
    const ack = await client.waitFor((f: RawFrame) => f.RequestId === 'after-the-fuzz', 15_000);
    expect(ack.Type).toBe('MESSAGE');
    const errors = client.frames.filter((f) => f.Type === 'ERROR');
    expect(errors.length).toBeGreaterThan(100); // most junk is refused…
    for (const error of errors) {
      const code = (error as { ErrorCode?: unknown }).ErrorCode;
      expect(typeof code === 'number' && code >= 400 && code < 500, JSON.stringify(error)).toBe(true); // …with a 4xx
    }
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.ws.close();
    await expectStillServing();
  });

  test('raw byte streams on the port never take the process down', async () => {
    const streams = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: 100, seed: 1618 });
    await Promise.all(
      streams.map(
        (bytes) =>
          new Promise<void>((resolve) => {
            const socket = connect(ivs.port, '127.0.0.1', () => socket.end(Buffer.from(bytes)));
            socket.on('data', () => {});
            socket.on('close', () => resolve());
            socket.on('error', () => resolve());
          }),
      ),
    );
    await expectStillServing();
  });
});

test('no stack trace reached stderr, and the process is still running', () => {
  expect(ivs.child.exitCode).toBeNull();
  expect(ivs.stderr()).not.toMatch(/^\s+at /m);
  expect(ivs.stderr()).not.toMatch(/InternalServer/);
});
