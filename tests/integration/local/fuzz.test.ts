import { connect } from 'node:net';
import { CreateRoomCommand } from '@aws-sdk/client-ivschat';
import { CreateStageCommand, ListStagesCommand } from '@aws-sdk/client-ivs-realtime';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEmulator, stopEmulator, type Emulator } from './helpers';
import { sendRaw, signRequest, type RawResponse } from './raw-http';

let e: Emulator;
let stageArn: string;
let roomArn: string;
const serverErrors: string[] = [];
/** Answer types seen, to check the fuzzing reaches past authentication into validation. */
const seen = new Map<string, number>();

beforeAll(async () => {
  e = await startEmulator({ maxBodyBytes: 16 * 1024 });
  stageArn = (await e.realtime.send(new CreateStageCommand({ name: 'fuzz' }))).stage!.arn!;
  roomArn = (await e.chat.send(new CreateRoomCommand({ name: 'fuzz' }))).arn!;
});
afterAll(async () => {
  await stopEmulator(e);
});

const OPERATIONS = [
  'CreateStage', 'GetStage', 'UpdateStage', 'DeleteStage', 'ListStages', 'CreateParticipantToken', 'DisconnectParticipant',
  'ListParticipants', 'GetParticipant', 'ListParticipantEvents', 'ListStageSessions', 'GetStageSession', 'ListCompositions',
  'CreateRoom', 'GetRoom', 'UpdateRoom', 'DeleteRoom', 'ListRooms', 'CreateChatToken', 'SendEvent', 'DeleteMessage',
  'DisconnectUser', 'CreateLoggingConfiguration', 'Nope', '',
];
const FIELDS = [
  'name', 'arn', 'stageArn', 'tags', 'participantTokenConfigurations', 'duration', 'userId', 'attributes', 'capabilities',
  'maxResults', 'nextToken', 'sessionId', 'participantId', 'filterByPublished', 'filterByState', 'filterByUserId', 'reason',
  'identifier', 'roomIdentifier', 'maximumMessageLength', 'maximumMessageRatePerSecond', 'messageReviewHandler', 'eventName',
  'id', 'sessionDurationInMinutes', 'autoParticipantRecordingConfiguration', 'loggingConfigurationIdentifiers', '__proto__',
];

/** Values that are sometimes valid, often subtly not. */
const fieldValue = () =>
  fc.oneof(
    fc.constantFrom(stageArn, roomArn, 'st-a1b2c3d4e5f6g', 'PUBLISH', ['PUBLISH'], ['SEND_MESSAGE', 'NOPE'], Number.POSITIVE_INFINITY, -1, 0, 20161, 2 ** 53, '', null, true),
    fc.string({ maxLength: 200 }),
    fc.integer(),
    fc.double(),
    fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null)), { maxKeys: 8 }),
    fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.object({ maxDepth: 2 })), { maxLength: 15 }),
    fc.jsonValue({ maxDepth: 4 }),
  );

const body = () =>
  fc.oneof(
    fc.dictionary(fc.constantFrom(...FIELDS), fieldValue(), { maxKeys: 6 }).map((o) => JSON.stringify(o)),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.integer({ min: 1, max: 2000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    fc.integer({ min: 1, max: 2000 }).map((n) => `{"tags":{"k":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}}`),
    fc.constant('x'.repeat(20 * 1024)),
    fc.constantFrom(
      '{"maxResults": 1e400}',
      '{"duration": -0, "maxResults": 1.0000000000000002}',
      '{"maxResults": 123456789012345678901234567890}',
      '{"name": "\\ud800"}',
      '{"__proto__": {"polluted": true}, "tags": {"__proto__": "x", "constructor": "y"}}',
      '{"tags": {"k": "v"}, "tags": {"k2": 1}}',
      '\ufeff{}',
      '{}\u0000',
    ),
  );

function assertAwsShaped(res: RawResponse, context: string): void {
  const kind = String(res.headers['x-amzn-errortype'] ?? res.status);
  seen.set(kind, (seen.get(kind) ?? 0) + 1);
  // 501 is the deliberate answer to real-but-unemulated operations; anything else 5xx is a bug.
  if (res.status >= 500 && res.status !== 501) serverErrors.push(`${res.status} ${context} ${res.text.slice(0, 200)}`);
  if (res.status >= 200 && res.status < 300) {
    if (res.status !== 204) expect(res.json, context).toBeTypeOf('object');
    return;
  }
  expect(res.status, context).toBeGreaterThanOrEqual(400);
  expect(res.status, context).toBeLessThan(600);
  expect(res.headers['x-amzn-errortype'], context).toMatch(/^[A-Za-z]+$/);
  expect(res.headers['x-amzn-requestid'], context).toBeTruthy();
  expect(res.json, context).toBeTypeOf('object');
  const message = res.json!['message'] ?? res.json!['exceptionMessage'];
  expect(message, context).toBeTypeOf('string');
}

test('thousands of malformed but correctly signed requests get AWS-shaped answers and never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...OPERATIONS),
      fc.constantFrom<'ivs' | 'ivschat'>('ivs', 'ivschat'),
      fc.constantFrom('POST', 'POST', 'POST', 'GET', 'DELETE', 'PUT'),
      body(),
      fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-amz-json-1.1'),
      async (operation, service, method, payload, contentType) => {
        const req = await signRequest({ baseUrl: e.ivs.url, method, path: `/${operation}`, body: payload, contentType, service, credentials: e.ivs.credentials });
        const res = await sendRaw(e.ivs.url, req);
        assertAwsShaped(res, `${method} /${operation} (${service})`);
      },
    ),
    { numRuns: 3000, seed: 20261125 },
  );
  expect(serverErrors).toEqual([]);
  // The requests got past SigV4 into every later stage of the pipeline.
  for (const kind of ['200', 'ValidationException', 'SerializationException', 'UnsupportedMediaTypeException', 'UnknownOperationException', 'RequestEntityTooLargeException']) {
    expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(0);
  }
  expect(seen.get('InvalidSignatureException') ?? 0).toBe(0);
  // `__proto__` members in bodies never reach a prototype.
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

test('tag routes with arbitrary ARNs, methods and query strings get AWS-shaped answers', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.constantFrom(stageArn, roomArn, `${stageArn}x`, 'arn:aws:ivs:us-east-1:1:stage/', '%', '%E0%A4%A'), fc.string({ maxLength: 150 })),
      fc.constantFrom<'ivs' | 'ivschat'>('ivs', 'ivschat'),
      fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH'),
      fc.array(fc.string({ maxLength: 140 }), { maxLength: 55 }),
      body(),
      async (arn, service, method, tagKeys, payload) => {
        // Two deliberately broken percent-escapes go out as they are; everything else is encoded like the SDK does.
        const path = `/tags/${['%', '%E0%A4%A'].includes(arn) ? arn : encodeURIComponent(arn)}`;
        const req = await signRequest({
          baseUrl: e.ivs.url,
          method,
          path,
          ...(method === 'DELETE' && tagKeys.length > 0 ? { query: { tagKeys } } : {}),
          ...(method === 'POST' || method === 'PATCH' ? { body: payload } : {}),
          service,
          credentials: e.ivs.credentials,
        }).catch(() => undefined);
        if (!req) return; // the signer itself refused the input (e.g. a malformed escape)
        assertAwsShaped(await sendRaw(e.ivs.url, req), `${method} ${path.slice(0, 80)}`);
      },
    ),
    { numRuns: 1000, seed: 7 },
  );
  expect(serverErrors).toEqual([]);
});

test('unsigned junk (random methods, paths, headers, bodies) gets AWS-shaped answers', async () => {
  const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS', 'BREW'),
      fc.oneof(fc.constantFrom('/', '/CreateStage', '/tags/x', '/chat', '/stage/', '/stage/x/whip', '//', '/%ZZ', '/a?b=%'), fc.webPath()),
      fc.dictionary(token, fc.stringMatching(/^[ -~]{0,60}$/), { maxKeys: 6 }),
      fc.option(body(), { nil: undefined }),
      async (method, path, headers, payload) => {
        const safePath = path.startsWith('/') ? path : `/${path}`;
        const res = await sendRaw(e.ivs.url, { method, path: safePath, headers, ...(payload !== undefined && method !== 'HEAD' ? { body: payload } : {}) }).catch(
          (error: Error) => error,
        );
        if (res instanceof Error) {
          // Node's client refuses some header combinations before sending; that is not the server's doing.
          expect(res.message).not.toMatch(/ECONNREFUSED/);
          return;
        }
        if (method === 'HEAD' || (method === 'OPTIONS' && res.status === 204)) {
          expect(res.status).toBeLessThan(500);
          return;
        }
        assertAwsShaped(res, `${method} ${safePath.slice(0, 80)}`);
      },
    ),
    { numRuns: 2000, seed: 42 },
  );
  expect(serverErrors).toEqual([]);
});

test('raw byte streams that are not HTTP never crash the server', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), async (bytes) => {
      await new Promise<void>((resolve) => {
        const socket = connect(e.ivs.port, '127.0.0.1', () => socket.end(Buffer.from(bytes)));
        socket.on('data', () => {});
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }),
    { numRuns: 300, seed: 3 },
  );
  // Still serving.
  await expect(e.realtime.send(new ListStagesCommand({}))).resolves.toHaveProperty('stages');
});
