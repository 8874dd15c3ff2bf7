/**
 * toNodeListener: the fetch-standard handler behind a real node:http server on loopback.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControlPlane, StageSummary } from '../../../src/control-plane/types';
import { createControlPlaneHandler, toNodeListener } from '../../../src/server';

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

async function listen(listener: http.RequestListener): Promise<number> {
  const server = http.createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A control plane whose listStages waits until its signal aborts, and reports that it did. */
function hangingControlPlane(onAbort: () => void): ControlPlane {
  const never = () => new Promise<never>(() => undefined);
  return {
    region: 'us-east-1',
    listStages: ({ signal } = {}) =>
      new Promise<StageSummary[]>((_resolve, reject) => {
        signal?.addEventListener('abort', () => {
          onAbort();
          reject(new Error('aborted'));
        });
      }),
    mintParticipantToken: never,
    createStage: never,
    getStage: never,
    deleteStage: never,
    disconnectParticipant: never,
    createChatRoom: never,
    deleteChatRoom: never,
    mintChatToken: never,
  };
}

/** Sends a raw HTTP/1.1 request and returns the raw answer. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('toNodeListener', () => {
  it('aborts the in-flight control-plane call when the client disconnects', async () => {
    let aborted!: () => void;
    const abortedPromise = new Promise<void>((resolve) => (aborted = resolve));
    const handler = createControlPlaneHandler({ controlPlane: hangingControlPlane(() => aborted()), authorize: () => true, onError: () => undefined });
    const port = await listen(toNodeListener(handler));
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${port}/stages`, { signal: controller.signal }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await pending;
    await expect(Promise.race([abortedPromise.then(() => 'aborted'), new Promise((r) => setTimeout(() => r('still running'), 2_000))])).resolves.toBe('aborted');
  });

  it('routes on the request path, whatever the Host header says, and answers with status, headers and body', async () => {
    const handler = createControlPlaneHandler({ controlPlane: hangingControlPlane(() => undefined), authorize: () => false });
    const port = await listen(toNodeListener(handler));
    const answer = await rawRequest(port, 'GET /stages HTTP/1.1\r\nHost: evil.example:99999\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer.toLowerCase()).toContain('cache-control: no-store');
    expect(answer).toContain('"AccessDenied"');
  });

  it('accepts an absolute-form request target', async () => {
    const handler = createControlPlaneHandler({ controlPlane: hangingControlPlane(() => undefined), authorize: () => false });
    const port = await listen(toNodeListener(handler));
    const answer = await rawRequest(port, `GET http://127.0.0.1:${port}/stages HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
  });

  it('streams the request body through the size cap (413 for an oversized chunked body)', async () => {
    const handler = createControlPlaneHandler({ controlPlane: hangingControlPlane(() => undefined), authorize: () => true, maxBodyBytes: 1_000 });
    const port = await listen(toNodeListener(handler));
    const response = await fetch(`http://127.0.0.1:${port}/stages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(100)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('hands exceptions to next() when used as Express middleware', async () => {
    const failing = () => Promise.reject(new Error('handler bug'));
    const errors: unknown[] = [];
    const listener = toNodeListener(failing);
    const port = await listen((req, res) =>
      listener(req, res, (error) => {
        errors.push(error);
        res.statusCode = 500;
        res.end('from next');
      }),
    );
    const response = await fetch(`http://127.0.0.1:${port}/stages`);
    expect(await response.text()).toBe('from next');
    expect(errors).toHaveLength(1);
  });

  it('answers a generic 500 without next()', async () => {
    const port = await listen(toNodeListener(() => Promise.reject(new Error('secret detail'))));
    const response = await fetch(`http://127.0.0.1:${port}/stages`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret detail');
  });
});
