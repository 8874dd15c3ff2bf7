/**
 * HttpControlPlane's transport behaviour (timeouts, aborts, headers, malformed answers) against real
 * node:http servers on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError, ControlPlaneError, TimeoutError, ValidationError } from '../../../src/core/errors';
import { HttpControlPlane } from '../../../src/control-plane/http-control-plane';

const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(respond: (req: http.IncomingMessage, res: http.ServerResponse, recorded: Recorded) => void): Promise<{ baseUrl: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      respond(req, res, recorded);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/api/ivs`, requests };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

describe('HttpControlPlane transport', () => {
  it('sends the documented method, path and JSON body, with the headers hook applied', async () => {
    const { baseUrl, requests } = await serve((_req, res) =>
      sendJson(res, 201, {
        participantToken: { token: 't', participantId: 'p1', expirationTime: '2030-01-01T00:00:00.000Z', userId: 'u', capabilities: ['SUBSCRIBE'] },
      }),
    );
    let calls = 0;
    const controlPlane = new HttpControlPlane({
      baseUrl: `${baseUrl}/`,
      region: 'us-east-1',
      headers: async () => ({ authorization: `Bearer session-${++calls}` }),
    });
    const result = await controlPlane.mintParticipantToken({ stageArn: STAGE, userId: 'u', capabilities: ['SUBSCRIBE'] });
    expect(result).toEqual({
      token: 't',
      participantId: 'p1',
      expirationTime: new Date('2030-01-01T00:00:00.000Z'),
      userId: 'u',
      capabilities: ['SUBSCRIBE'],
    });
    expect(requests).toHaveLength(1);
    const [sent] = requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe(`/api/ivs/stages/${encodeURIComponent(STAGE)}/participant-tokens`);
    expect(sent?.headers['authorization']).toBe('Bearer session-1');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent?.body ?? '')).toEqual({ userId: 'u', capabilities: ['SUBSCRIBE'] });
  });

  it('validates before sending: a bad input never reaches the server', async () => {
    const { baseUrl, requests } = await serve((_req, res) => sendJson(res, 200, {}));
    const controlPlane = new HttpControlPlane({ baseUrl, region: 'us-east-1' });
    await expect(controlPlane.mintParticipantToken({ stageArn: STAGE, durationMinutes: 0 })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'durationMinutes',
    });
    await expect(controlPlane.getStage('not-an-arn')).rejects.toBeInstanceOf(ValidationError);
    await expect(controlPlane.mintChatToken({ roomArn: STAGE, userId: 'u' })).rejects.toMatchObject({ field: 'roomArn' });
    expect(requests).toHaveLength(0);
  });

  it('rejects with TimeoutError when the server never answers', async () => {
    const { baseUrl } = await serve(() => undefined);
    const controlPlane = new HttpControlPlane({ baseUrl, region: 'us-east-1', timeoutMs: 150 });
    const started = Date.now();
    const error = await controlPlane.listStages().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(150);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('rejects with TimeoutError when the body stalls after the headers', async () => {
    const { baseUrl } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"stages": [');
    });
    const controlPlane = new HttpControlPlane({ baseUrl, region: 'us-east-1', timeoutMs: 150 });
    await expect(controlPlane.listStages()).rejects.toBeInstanceOf(TimeoutError);
  });

  it('rejects with AbortedError when the signal fires mid-request, and before sending when already aborted', async () => {
    const { baseUrl, requests } = await serve(() => undefined);
    const controlPlane = new HttpControlPlane({ baseUrl, region: 'us-east-1', timeoutMs: 5_000 });
    const controller = new AbortController();
    const pending = controlPlane.listStages({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    const before = requests.length;
    await expect(controlPlane.getStage(STAGE, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(requests.length).toBe(before);
  });

  it('maps an error body to ControlPlaneError with name, status and requestId', async () => {
    const { baseUrl } = await serve((_req, res) =>
      sendJson(res, 404, { error: { name: 'ResourceNotFoundException', message: 'Stage not found' } }, { 'x-request-id': 'req-42' }),
    );
    const controlPlane = new HttpControlPlane({ baseUrl, region: 'us-east-1' });
    const error = await controlPlane.getStage(STAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlPlaneError);
    expect(error).toMatchObject({ operation: 'getStage', errorName: 'ResourceNotFoundException', status: 404, requestId: 'req-42', retryable: false });
  });

  it('maps a server-side ValidationError to ValidationError with the field', async () => {
    const { baseUrl } = await serve((_req, res) => sendJson(res, 400, { error: { name: 'ValidationError', field: 'userId', message: 'is required.' } }));
    const controlPlane = new HttpControlPlane({ baseUrl, region: 'us-east-1' });
    const error = await controlPlane.createStage({ name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'userId', message: 'userId: is required.' });
  });

  it('reports a non-JSON error page (a proxy 502) as a retryable ControlPlaneError', async () => {
    const { baseUrl } = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    const controlPlane = new HttpControlPlane({ baseUrl, region: 'us-east-1' });
    const error = await controlPlane.listStages().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ControlPlaneError', errorName: 'HTTP502', status: 502, retryable: true });
  });

  it('reports a success body of the wrong shape as InvalidResponse', async () => {
    const { baseUrl } = await serve((_req, res) => sendJson(res, 200, { stage: { arn: 5 } }));
    const controlPlane = new HttpControlPlane({ baseUrl, region: 'us-east-1' });
    await expect(controlPlane.getStage(STAGE)).rejects.toMatchObject({ errorName: 'InvalidResponse' });
  });

  it('reports a refused connection as a retryable NetworkError', async () => {
    const { baseUrl } = await serve(() => undefined);
    await new Promise<void>((resolve) => {
      const server = servers.pop();
      server?.close(() => resolve());
    });
    const controlPlane = new HttpControlPlane({ baseUrl, region: 'us-east-1' });
    await expect(controlPlane.listStages()).rejects.toMatchObject({ name: 'ControlPlaneError', errorName: 'NetworkError', retryable: true });
  });

  it('uses an injected fetch', async () => {
    const urls: string[] = [];
    const controlPlane = new HttpControlPlane({
      baseUrl: 'http://127.0.0.1:9/ivs',
      region: 'us-east-1',
      fetch: async (input) => {
        urls.push(String(input));
        return new Response(null, { status: 204 });
      },
    });
    await controlPlane.deleteStage(STAGE);
    expect(urls).toEqual([`http://127.0.0.1:9/ivs/stages/${encodeURIComponent(STAGE)}`]);
  });

  it('rejects bad options at construction', () => {
    expect(() => new HttpControlPlane({ baseUrl: '', region: 'us-east-1' })).toThrow(/baseUrl/);
    expect(() => new HttpControlPlane({ baseUrl: '/api', region: 'nowhere' })).toThrow(/region/);
    expect(() => new HttpControlPlane({ baseUrl: '/api', region: 'us-east-1', timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
