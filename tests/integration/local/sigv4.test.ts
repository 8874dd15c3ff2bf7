import { CreateStageCommand, IVSRealTimeClient, ListStagesCommand } from '@aws-sdk/client-ivs-realtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_LOCAL_CREDENTIALS } from 'ivs-local';
import { clientsFor, startEmulator, stopEmulator, type Emulator } from './helpers';
import { errorType, sendRaw, signRequest, type RawRequest } from './raw-http';

let e: Emulator;
beforeAll(async () => {
  e = await startEmulator();
});
afterAll(async () => {
  await stopEmulator(e);
});

const listStages = (overrides: Partial<Parameters<typeof signRequest>[0]> = {}) =>
  signRequest({ baseUrl: e.ivs.url, path: '/ListStages', body: '{}', credentials: e.ivs.credentials, ...overrides });

function expect403(res: Awaited<ReturnType<typeof sendRaw>>, type: string): void {
  expect(res.status).toBe(403);
  expect(errorType(res)).toBe(type);
  expect(res.headers['content-type']).toBe('application/json');
  expect(typeof res.json?.['message']).toBe('string');
  expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
}

describe('SigV4 verification', () => {
  test('the emulator answers a correctly signed raw request (control case for the tampering tests)', async () => {
    const res = await sendRaw(e.ivs.url, await listStages());
    expect(res.status).toBe(200);
    expect(res.json).toHaveProperty('stages');
  });

  test('the documented default credentials are accepted', async () => {
    expect(e.ivs.credentials).toEqual({ accessKeyId: 'IVSLOCALACCESSKEY', secretAccessKey: 'ivs-local-secret' });
    expect(DEFAULT_LOCAL_CREDENTIALS.accessKeyId).toBe('IVSLOCALACCESSKEY');
  });

  test('a wrong secret key is InvalidSignatureException (403), also through the AWS SDK', async () => {
    const res = await sendRaw(e.ivs.url, await listStages({ credentials: { accessKeyId: 'IVSLOCALACCESSKEY', secretAccessKey: 'wrong' } }));
    expect403(res, 'InvalidSignatureException');
    expect(res.json!['message']).toContain('signature we calculated does not match');

    const { realtime } = clientsFor(e.ivs, { accessKeyId: 'IVSLOCALACCESSKEY', secretAccessKey: 'wrong' });
    const error = await realtime.send(new ListStagesCommand({})).catch((err: unknown) => err as Error & { $metadata?: { httpStatusCode?: number } });
    expect((error as Error).name).toBe('InvalidSignatureException');
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
    realtime.destroy();
  });

  test('an unknown access key id is UnrecognizedClientException (403)', async () => {
    const res = await sendRaw(e.ivs.url, await listStages({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'ivs-local-secret' } }));
    expect403(res, 'UnrecognizedClientException');
  });

  test('a request without Authorization is MissingAuthenticationTokenException (403)', async () => {
    const res = await sendRaw(e.ivs.url, { method: 'POST', path: '/ListStages', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect403(res, 'MissingAuthenticationTokenException');
  });

  test('an Authorization header without Signature or SignedHeaders is IncompleteSignatureException (403)', async () => {
    const signed = await listStages();
    const auth = signed.headers!['authorization']!;
    for (const broken of [auth.replace(/, Signature=[0-9a-f]+/, ''), auth.replace(/SignedHeaders=[^,]+, /, ''), 'AWS4-HMAC-SHA256', 'Bearer abc']) {
      const res = await sendRaw(e.ivs.url, { ...signed, headers: { ...signed.headers, authorization: broken } });
      expect403(res, 'IncompleteSignatureException');
    }
  });

  test('a body changed after signing is rejected, whether or not x-amz-content-sha256 was sent', async () => {
    const withSha = await listStages({ body: '{"maxResults":5}' });
    expect403(await sendRaw(e.ivs.url, { ...withSha, body: '{"maxResults":6}' }), 'InvalidSignatureException');

    const withoutSha = await listStages({ body: '{"maxResults":5}', contentSha: false });
    expect(withoutSha.headers!['x-amz-content-sha256']).toBeUndefined();
    expect403(await sendRaw(e.ivs.url, { ...withoutSha, body: '{"maxResults":6}' }), 'InvalidSignatureException');
  });

  test('a signed header changed after signing is rejected', async () => {
    const signed = await listStages();
    const res = await sendRaw(e.ivs.url, { ...signed, headers: { ...signed.headers, 'x-amz-date': signed.headers!['x-amz-date']!.replace(/(\d)Z$/, (_, d: string) => `${(Number(d) + 1) % 10}Z`) } });
    expect(res.status).not.toBe(200);
    expect403(res, 'InvalidSignatureException');
  });

  test('a signature more than 5 minutes old or ahead is rejected as expired; 4 minutes is accepted', async () => {
    const old = await listStages({ signingDate: new Date(Date.now() - 6 * 60_000) });
    const oldRes = await sendRaw(e.ivs.url, old);
    expect403(oldRes, 'InvalidSignatureException');
    expect(oldRes.json!['message']).toContain('Signature expired');
    expect403(await sendRaw(e.ivs.url, await listStages({ signingDate: new Date(Date.now() + 6 * 60_000) })), 'InvalidSignatureException');
    expect((await sendRaw(e.ivs.url, await listStages({ signingDate: new Date(Date.now() - 4 * 60_000) }))).status).toBe(200);
  });

  test('a credential scope for another region is rejected with a message naming the served region', async () => {
    const res = await sendRaw(e.ivs.url, await listStages({ region: 'eu-west-1' }));
    expect403(res, 'InvalidSignatureException');
    expect(res.json!['message']).toContain("'us-east-1'");
  });

  test('a session token the instance does not know is UnrecognizedClientException', async () => {
    const res = await sendRaw(e.ivs.url, await listStages({ credentials: { ...e.ivs.credentials, sessionToken: 'tok' } }));
    expect403(res, 'UnrecognizedClientException');
  });

  test('custom credentials replace the defaults', async () => {
    const custom = await startEmulator({ credentials: { accessKeyId: 'MYKEY', secretAccessKey: 'my-secret' } });
    try {
      await expect(custom.realtime.send(new CreateStageCommand({}))).resolves.toHaveProperty('stage');
      const { realtime } = clientsFor(custom.ivs, { ...DEFAULT_LOCAL_CREDENTIALS });
      await expect(realtime.send(new ListStagesCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
      realtime.destroy();
    } finally {
      await stopEmulator(custom);
    }
  });
});

describe('routing by credential scope', () => {
  test('a Chat operation signed for service ivs is an unknown Real-Time operation (404 UnknownOperationException)', async () => {
    const res = await sendRaw(e.ivs.url, await signRequest({ baseUrl: e.ivs.url, path: '/CreateRoom', credentials: e.ivs.credentials, service: 'ivs' }));
    expect(res.status).toBe(404);
    expect(errorType(res)).toBe('UnknownOperationException');
    expect(res.json!['exceptionMessage']).toContain('/CreateRoom');
  });

  test('a Real-Time operation signed for service ivschat is a Chat ValidationException with reason UNKNOWN_OPERATION', async () => {
    const res = await sendRaw(e.ivs.url, await signRequest({ baseUrl: e.ivs.url, path: '/CreateStage', credentials: e.ivs.credentials, service: 'ivschat' }));
    expect(res.status).toBe(400);
    expect(errorType(res)).toBe('ValidationException');
    expect(res.json!['reason']).toBe('UNKNOWN_OPERATION');
  });

  test('an operation answered with GET instead of POST is unknown', async () => {
    const req: RawRequest = await signRequest({ baseUrl: e.ivs.url, method: 'GET', path: '/ListStages', credentials: e.ivs.credentials });
    const res = await sendRaw(e.ivs.url, req);
    expect(res.status).toBe(404);
    expect(errorType(res)).toBe('UnknownOperationException');
  });

  test('a service name other than ivs/ivschat in the scope is rejected', async () => {
    const client = new IVSRealTimeClient({ endpoint: e.ivs.url, region: e.ivs.region, credentials: e.ivs.credentials, maxAttempts: 1 });
    // Sign for "s3" by hand.
    const signed = await signRequest({ baseUrl: e.ivs.url, path: '/ListStages', credentials: e.ivs.credentials, service: 's3' as 'ivs' });
    const res = await sendRaw(e.ivs.url, signed);
    expect(res.status).toBe(403);
    expect(res.json!['message']).toContain("'ivs'");
    client.destroy();
  });
});
