import { connect } from 'node:net';
import { CreateStageCommand, ListStagesCommand } from '@aws-sdk/client-ivs-realtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalModuleFactory } from '../../../packages/ivs-local/src/hub';
import { startEmulator, stopEmulator, type Emulator } from './helpers';
import { errorType, sendRaw, signRequest, type RawResponse } from './raw-http';

const echoModule: LocalModuleFactory = ({ url }) => ({
  handleRequest(req, res, target) {
    if (target.pathname === '/stage/boom') throw new Error('module failure');
    if (!target.pathname.startsWith('/stage/')) return false;
    res.setHeader('content-type', 'text/plain');
    res.end(`module saw ${req.method} ${target.pathname} at ${url}`);
    return true;
  },
  handleUpgrade(_req, socket, _head, target) {
    if (target.pathname !== '/chat') return false;
    socket.end('HTTP/1.1 418 I am a teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return true;
  },
});

let e: Emulator;
beforeAll(async () => {
  e = await startEmulator({ modules: [echoModule], requestTimeoutMs: 600, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await stopEmulator(e);
});

function expectAwsError(res: RawResponse, status: number, type: string): void {
  expect(res.status).toBe(status);
  expect(errorType(res)).toBe(type);
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.json).toBeTypeOf('object');
  expect(res.headers['x-amzn-requestid']).toBeTruthy();
}

const signed = (path: string, body: string | Buffer) => signRequest({ baseUrl: e.ivs.url, path, body, credentials: e.ivs.credentials });

describe('CORS for browser pages using the AWS SDK', () => {
  test('a preflight is answered 204 allowing the SDK headers and methods', async () => {
    const res = await sendRaw(e.ivs.url, {
      method: 'OPTIONS',
      path: '/CreateParticipantToken',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-amz-date,x-amz-content-sha256,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    const allowed = String(res.headers['access-control-allow-headers']);
    for (const h of ['authorization', 'content-type', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-security-token']) {
      expect(allowed).toContain(h);
    }
  });

  test('every response, success or error, carries CORS headers and an x-amzn-RequestId exposed to scripts', async () => {
    const req = await signRequest({ baseUrl: e.ivs.url, path: '/ListStages', credentials: e.ivs.credentials });
    const ok = await sendRaw(e.ivs.url, { ...req, headers: { ...req.headers, origin: 'http://app.test' } });
    const denied = await sendRaw(e.ivs.url, { method: 'POST', path: '/ListStages', headers: { origin: 'http://app.test' }, body: '{}' });
    for (const res of [ok, denied]) {
      expect(res.headers['access-control-allow-origin']).toBe('http://app.test');
      expect(String(res.headers['access-control-expose-headers'])).toMatch(/x-amzn-RequestId.*x-amzn-ErrorType/);
      expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(ok.status).toBe(200);
  });
});

describe('malformed requests get AWS-shaped errors', () => {
  test('invalid JSON is SerializationException (400)', async () => {
    expectAwsError(await sendRaw(e.ivs.url, await signed('/CreateStage', '{"name": ')), 400, 'SerializationException');
  });

  test('a body that is not valid UTF-8 is SerializationException (400)', async () => {
    expectAwsError(await sendRaw(e.ivs.url, await signed('/CreateStage', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))), 400, 'SerializationException');
  });

  test('a JSON array or string body is SerializationException (400)', async () => {
    expectAwsError(await sendRaw(e.ivs.url, await signed('/CreateStage', '[1,2]')), 400, 'SerializationException');
    expectAwsError(await sendRaw(e.ivs.url, await signed('/CreateStage', '"stage"')), 400, 'SerializationException');
  });

  test('a non-JSON Content-Type is UnsupportedMediaTypeException (415)', async () => {
    const req = await signRequest({ baseUrl: e.ivs.url, path: '/CreateStage', body: 'name=x', contentType: 'application/x-www-form-urlencoded', credentials: e.ivs.credentials });
    expectAwsError(await sendRaw(e.ivs.url, req), 415, 'UnsupportedMediaTypeException');
  });

  test('huge numbers, wrong member types and deep nesting are ValidationException naming the field', async () => {
    const huge = await sendRaw(e.ivs.url, await signed('/ListStages', '{"maxResults": 1e400}'));
    expectAwsError(huge, 400, 'ValidationException');
    expect(huge.json!['exceptionMessage']).toContain("'maxResults'");
    const wrongType = await sendRaw(e.ivs.url, await signed('/CreateStage', '{"name": 42}'));
    expectAwsError(wrongType, 400, 'ValidationException');
    const deep = `{"tags": {"k": ${'['.repeat(20_000)}${']'.repeat(20_000)}}}`;
    const nested = await sendRaw(e.ivs.url, await signed('/CreateStage', deep));
    expectAwsError(nested, 400, 'ValidationException');
    expect(nested.json!['exceptionMessage']).toContain("'tags.k'");
  });

  test('a body over the size cap is RequestEntityTooLargeException (413) and the server keeps serving', async () => {
    const big = JSON.stringify({ name: 'x', pad: 'y'.repeat(100 * 1024) });
    const res = await sendRaw(e.ivs.url, await signed('/CreateStage', big));
    expectAwsError(res, 413, 'RequestEntityTooLargeException');
    await expect(e.realtime.send(new ListStagesCommand({}))).resolves.toHaveProperty('stages');
  });

  test('an unknown path outside the control plane is NotFoundException (404); lowercase paths such as /chat are not operations', async () => {
    expectAwsError(await sendRaw(e.ivs.url, { method: 'GET', path: '/favicon.ico/x' }), 404, 'NotFoundException');
    expectAwsError(await sendRaw(e.ivs.url, { method: 'GET', path: '/chat' }), 404, 'NotFoundException');
    expectAwsError(await sendRaw(e.ivs.url, { method: 'POST', path: '/CreateStage', body: '{}' }), 403, 'MissingAuthenticationTokenException');
  });

  test('bytes that are not HTTP get a 400 with x-amzn-ErrorType and the connection is closed', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(e.ivs.port, '127.0.0.1', () => socket.write('HELLO THERE\r\n\r\n'));
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('x-amzn-ErrorType: BadRequestException');
  });

  test('a client that never finishes its body is cut off by the request timeout (no hang)', async () => {
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(e.ivs.port, '127.0.0.1', () =>
        socket.write('POST /CreateStage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na'),
      );
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('modules', () => {
  test('requests outside the control plane reach the mounted module, with CORS headers', async () => {
    const res = await sendRaw(e.ivs.url, { method: 'POST', path: '/stage/abc/whip', headers: { origin: 'http://x.test' }, body: 'v=0' });
    expect(res.status).toBe(200);
    expect(res.text).toBe(`module saw POST /stage/abc/whip at ${e.ivs.url}`);
    expect(res.headers['access-control-allow-origin']).toBe('http://x.test');
  });

  test('a module that throws produces InternalServerException (500) and the server keeps serving', async () => {
    expectAwsError(await sendRaw(e.ivs.url, { method: 'GET', path: '/stage/boom' }), 500, 'InternalServerException');
    await expect(e.realtime.send(new CreateStageCommand({}))).resolves.toHaveProperty('stage');
  });

  test('upgrades go to the module that claims the path; others are refused with 404', async () => {
    const upgrade = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(e.ivs.port, '127.0.0.1', () =>
          socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`),
        );
        let data = '';
        socket.on('data', (c: Buffer) => (data += c.toString()));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
    expect(await upgrade('/chat')).toMatch(/^HTTP\/1\.1 418/);
    const refused = await upgrade('/nowhere');
    expect(refused).toMatch(/^HTTP\/1\.1 404/);
    expect(refused).toContain('x-amzn-ErrorType: NotFoundException');
  });
});
