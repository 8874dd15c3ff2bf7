import { describe, expect, it, vi } from 'vitest';
import { ControlPlaneError, ValidationError } from '../../../src/core/errors';
import type * as ErrorsModule from '../../../src/core/errors';
import type { ControlPlane } from '../../../src/control-plane/types';
import { createControlPlaneHandler, type Authorize, type ControlPlaneHandlerErrorEvent } from '../../../src/server';

const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh';
const ROOM = 'arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3j4k5L6';
const enc = encodeURIComponent;

/**
 * A ControlPlane whose every method fails the test: used where the handler must answer without
 * reaching the control plane (routing, parsing, validation, denial).
 */
function unreachableControlPlane(): ControlPlane & { calls: string[] } {
  const calls: string[] = [];
  const fail = (name: string) => () => {
    calls.push(name);
    return Promise.reject(new Error(`${name} must not be called`));
  };
  return {
    region: 'us-east-1',
    calls,
    mintParticipantToken: fail('mintParticipantToken'),
    listStages: fail('listStages'),
    createStage: fail('createStage'),
    getStage: fail('getStage'),
    deleteStage: fail('deleteStage'),
    disconnectParticipant: fail('disconnectParticipant'),
    createChatRoom: fail('createChatRoom'),
    deleteChatRoom: fail('deleteChatRoom'),
    mintChatToken: fail('mintChatToken'),
  };
}

/** A ControlPlane whose getStage fails with the given error (stands in for an AWS failure). */
function fakeFailingControlPlane(error: unknown): ControlPlane {
  const base = unreachableControlPlane();
  return { ...base, getStage: () => Promise.reject(error) };
}

function request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Request {
  const init: RequestInit = { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers } };
  if (body !== undefined) init.body = body;
  return new Request(`http://localhost${path}`, init);
}

async function errorOf(response: Response): Promise<{ name: string; message: string; field?: string; requestId?: string }> {
  const body = (await response.json()) as { error: { name: string; message: string; field?: string; requestId?: string } };
  return body.error;
}

const allowAll: Authorize = () => true;

describe('createControlPlaneHandler: routing and parsing', () => {
  it('answers 404 NotFound for an unknown path', async () => {
    const handler = createControlPlaneHandler({ controlPlane: unreachableControlPlane(), authorize: allowAll });
    const response = await handler(request('GET', '/nope'));
    expect(response.status).toBe(404);
    expect((await errorOf(response)).name).toBe('NotFound');
  });

  it('answers 404 for a path outside basePath', async () => {
    const handler = createControlPlaneHandler({ controlPlane: unreachableControlPlane(), authorize: allowAll, basePath: '/api/ivs' });
    expect((await handler(request('GET', '/stages'))).status).toBe(404);
    expect((await handler(request('GET', '/api/ivsx/stages'))).status).toBe(404);
  });

  it('answers 405 with an Allow header for a known path and the wrong method', async () => {
    const handler = createControlPlaneHandler({ controlPlane: unreachableControlPlane(), authorize: allowAll });
    const response = await handler(request('PUT', '/stages'));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect((await errorOf(response)).name).toBe('MethodNotAllowed');
    const tokenRoute = await handler(request('GET', `/stages/${enc(STAGE)}/participant-tokens`));
    expect(tokenRoute.status).toBe(405);
    expect(tokenRoute.headers.get('allow')).toBe('POST');
  });

  it('answers 400 MalformedJson for a body that is not JSON', async () => {
    const controlPlane = unreachableControlPlane();
    const handler = createControlPlaneHandler({ controlPlane, authorize: allowAll });
    const response = await handler(request('POST', '/stages', '{"name": '));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).name).toBe('MalformedJson');
    expect(controlPlane.calls).toEqual([]);
  });

  it('answers 400 for a JSON body that is not an object', async () => {
    const handler = createControlPlaneHandler({ controlPlane: unreachableControlPlane(), authorize: allowAll });
    const response = await handler(request('POST', '/stages', '[1,2]'));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ name: 'ValidationError', field: 'body' });
  });

  it('answers 415 when the body is not sent as application/json (no form posts)', async () => {
    const handler = createControlPlaneHandler({ controlPlane: unreachableControlPlane(), authorize: allowAll });
    const response = await handler(request('POST', '/stages', '{"name":"a"}', { 'content-type': 'text/plain' }));
    expect(response.status).toBe(415);
    expect((await errorOf(response)).name).toBe('UnsupportedMediaType');
  });

  it('answers 413 for a body over maxBodyBytes, declared or streamed', async () => {
    const handler = createControlPlaneHandler({ controlPlane: unreachableControlPlane(), authorize: allowAll, maxBodyBytes: 100 });
    const big = JSON.stringify({ name: 'a'.repeat(200) });
    expect((await handler(request('POST', '/stages', big))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(20)));
        controller.close();
      },
    });
    const streamed = new Request('http://localhost/stages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const response = await handler(streamed);
    expect(response.status).toBe(413);
    expect((await errorOf(response)).name).toBe('PayloadTooLarge');
  });

  it('answers 400 ValidationError naming the field, without calling the control plane', async () => {
    const controlPlane = unreachableControlPlane();
    const handler = createControlPlaneHandler({ controlPlane, authorize: allowAll });
    const cases: [Request, string][] = [
      [request('POST', '/stages', JSON.stringify({ name: 'bad name' })), 'name'],
      [request('POST', `/stages/${enc(STAGE)}/participant-tokens`, JSON.stringify({ durationMinutes: 0 })), 'durationMinutes'],
      [request('POST', `/stages/${enc(STAGE)}/participant-tokens`, JSON.stringify({ capabilities: ['ADMIN'] })), 'capabilities[0]'],
      [request('GET', `/stages/${enc('arn:aws:ivs:us-east-1:1:room/x')}`), 'stageArn'],
      [request('DELETE', `/chat-rooms/${enc(STAGE)}`), 'roomArn'],
      [request('POST', `/chat-rooms/${enc(ROOM)}/tokens`, JSON.stringify({})), 'userId'],
      [request('POST', '/chat-rooms', JSON.stringify({ maximumMessageRatePerSecond: 101 })), 'maximumMessageRatePerSecond'],
      [request('POST', `/stages/${enc(STAGE)}/disconnect`, JSON.stringify({ participantId: 'a b' })), 'participantId'],
      [request('POST', `/stages/${enc(STAGE)}/participant-tokens`, JSON.stringify({ stageArn: STAGE })), 'stageArn'],
    ];
    for (const [req, field] of cases) {
      const response = await handler(req);
      expect(response.status, field).toBe(400);
      const error = await errorOf(response);
      expect(error, field).toMatchObject({ name: 'ValidationError', field });
      expect(error.message.startsWith(`${field}:`), 'the field is not repeated in the message').toBe(false);
    }
    expect(controlPlane.calls).toEqual([]);
  });

  it('answers 400 for malformed percent-encoding in the ARN segment', async () => {
    const handler = createControlPlaneHandler({ controlPlane: unreachableControlPlane(), authorize: allowAll });
    expect((await handler(request('GET', '/stages/%E0%A4%A'))).status).toBe(400);
  });
});

describe('createControlPlaneHandler: authorize', () => {
  it('answers 403 AccessDenied when authorize returns false, without calling the control plane', async () => {
    const controlPlane = unreachableControlPlane();
    const authorize = vi.fn<Authorize>(() => false);
    const handler = createControlPlaneHandler({ controlPlane, authorize });
    const response = await handler(request('DELETE', `/stages/${enc(STAGE)}`));
    expect(response.status).toBe(403);
    expect((await errorOf(response)).name).toBe('AccessDenied');
    expect(controlPlane.calls).toEqual([]);
    expect(authorize).toHaveBeenCalledWith(expect.objectContaining({ operation: 'deleteStage', input: { stageArn: STAGE } }));
  });

  it('gives authorize the validated input with the ARN from the path', async () => {
    const seen: unknown[] = [];
    const handler = createControlPlaneHandler({
      controlPlane: unreachableControlPlane(),
      authorize: ({ operation, input }) => {
        seen.push({ operation, input });
        return false;
      },
    });
    await handler(request('POST', `/stages/${enc(STAGE)}/participant-tokens`, JSON.stringify({ userId: 'u', capabilities: ['SUBSCRIBE'] })));
    expect(seen).toEqual([{ operation: 'mintParticipantToken', input: { stageArn: STAGE, userId: 'u', capabilities: ['SUBSCRIBE'] } }]);
  });

  it('answers 500 with a generic message and reports to onError when authorize throws', async () => {
    const events: ControlPlaneHandlerErrorEvent[] = [];
    const handler = createControlPlaneHandler({
      controlPlane: unreachableControlPlane(),
      authorize: () => {
        throw new Error('db password hunter2 rejected');
      },
      onError: (event) => events.push(event),
    });
    const response = await handler(request('GET', '/stages'));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    const error = (JSON.parse(text) as { error: { name: string; requestId: string } }).error;
    expect(error.name).toBe('InternalError');
    expect(events).toHaveLength(1);
    expect(events[0]?.requestId).toBe(error.requestId);
    expect(response.headers.get('x-request-id')).toBe(error.requestId);
  });

  it('treats an authorize that returns nothing as a server error, not as allow', async () => {
    const controlPlane = unreachableControlPlane();
    const handler = createControlPlaneHandler({
      controlPlane,
      authorize: (() => undefined) as unknown as Authorize,
      onError: () => undefined,
    });
    expect((await handler(request('GET', '/stages'))).status).toBe(500);
    expect(controlPlane.calls).toEqual([]);
  });

  it('answers 500 when authorize overrides produce an invalid input (a server bug, not the caller)', async () => {
    const controlPlane = unreachableControlPlane();
    const handler = createControlPlaneHandler({
      controlPlane,
      authorize: () => ({ durationMinutes: 99_999 }),
      onError: () => undefined,
    });
    const response = await handler(request('POST', `/stages/${enc(STAGE)}/participant-tokens`, '{}'));
    expect(response.status).toBe(500);
    expect(controlPlane.calls).toEqual([]);
  });
});

describe('createControlPlaneHandler: error mapping', () => {
  it.each([
    ['ResourceNotFoundException', 404, 404],
    ['ValidationException', 400, 400],
    ['ConflictException', 409, 409],
    ['ServiceQuotaExceededException', 402, 402],
    ['ThrottlingException', 429, 429],
  ])('passes %s (AWS %i) on as %i with its name and message only', async (errorName, awsStatus, status) => {
    const error = new ControlPlaneError({ operation: 'getStage', errorName, message: 'Stage not found', status: awsStatus, requestId: 'aws-req-1' });
    const handler = createControlPlaneHandler({ controlPlane: fakeFailingControlPlane(error), authorize: allowAll });
    const response = await handler(request('GET', `/stages/${enc(STAGE)}`));
    expect(response.status).toBe(status);
    expect(await errorOf(response)).toEqual({ name: errorName, message: 'Stage not found' });
  });

  it.each([
    ['InternalServerException', 500, 502],
    ['AccessDeniedException', 403, 500],
    ['NetworkError', undefined, 500],
  ])('hides %s (AWS %s) behind a generic %i with request ids', async (errorName, awsStatus, status) => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const error = new ControlPlaneError({
      operation: 'getStage',
      errorName,
      message: `internal detail ${secret} at Object.<anonymous> (/srv/app.js:1:1)`,
      status: awsStatus,
      requestId: 'aws-req-2',
    });
    const events: ControlPlaneHandlerErrorEvent[] = [];
    const handler = createControlPlaneHandler({ controlPlane: fakeFailingControlPlane(error), authorize: allowAll, onError: (e) => events.push(e) });
    const response = await handler(request('GET', `/stages/${enc(STAGE)}`));
    expect(response.status).toBe(status);
    const text = await response.text();
    expect(text).not.toContain(secret);
    expect(text).not.toContain('/srv/app.js');
    expect(text).not.toContain(errorName);
    const body = JSON.parse(text) as { error: { name: string; requestId: string; message: string } };
    expect(body.error.name).toBe('InternalError');
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events[0]).toMatchObject({ operation: 'getStage', status, requestId: body.error.requestId });
  });

  it('sets Retry-After on a 429 to the seconds the service asked for, and to 1 when it did not say', async () => {
    const told = new ControlPlaneError({ operation: 'getStage', errorName: 'ThrottlingException', message: 'Rate exceeded', status: 429, retryAfterSeconds: 7 });
    const silent = new ControlPlaneError({ operation: 'getStage', errorName: 'ThrottlingException', message: 'Rate exceeded', status: 429 });
    const answer = async (error: ControlPlaneError) =>
      createControlPlaneHandler({ controlPlane: fakeFailingControlPlane(error), authorize: allowAll })(request('GET', `/stages/${enc(STAGE)}`));
    expect((await answer(told)).headers.get('retry-after')).toBe('7');
    expect((await answer(silent)).headers.get('retry-after')).toBe('1');
  });

  it('recognises the errors of another copy of the package (another bundle or entry): 404, 409, 429, 400, 504', async () => {
    // A second, separately evaluated copy of the error classes: `instanceof` the handler's classes is false.
    vi.resetModules();
    const other = (await import(/* @vite-ignore */ `${'../../../src/core/errors'}?copy=2`)) as typeof ErrorsModule;
    const notFound = new other.ControlPlaneError({ operation: 'getStage', errorName: 'ResourceNotFoundException', message: 'Stage not found', status: 404 });
    expect(notFound instanceof ControlPlaneError).toBe(false);
    const cases: Array<[unknown, number, string]> = [
      [notFound, 404, 'ResourceNotFoundException'],
      [new other.ControlPlaneError({ operation: 'getStage', errorName: 'ConflictException', message: 'busy', status: 409 }), 409, 'ConflictException'],
      [new other.ControlPlaneError({ operation: 'getStage', errorName: 'ThrottlingException', message: 'slow down', status: 429, retryAfterSeconds: 3 }), 429, 'ThrottlingException'],
      [new other.ValidationError('arn', 'must be a stage ARN'), 400, 'ValidationError'],
      [new other.TimeoutError('getStage', 100), 504, 'GatewayTimeout'],
    ];
    for (const [error, status, name] of cases) {
      const handler = createControlPlaneHandler({ controlPlane: fakeFailingControlPlane(error), authorize: allowAll, onError: () => undefined });
      const response = await handler(request('GET', `/stages/${enc(STAGE)}`));
      expect(response.status, name).toBe(status);
      expect((await errorOf(response)).name).toBe(name);
      if (status === 429) expect(response.headers.get('retry-after')).toBe('3');
    }
  });

  it('does not take a look-alike plain object for an SDK error', async () => {
    const impostor = Object.assign(new Error('x'), { code: 'CONTROL_PLANE', errorName: 'ResourceNotFoundException' });
    const handler = createControlPlaneHandler({ controlPlane: fakeFailingControlPlane(impostor), authorize: allowAll, onError: () => undefined });
    expect((await handler(request('GET', `/stages/${enc(STAGE)}`))).status).toBe(500);
  });

  it('answers 500 without a stack trace for an unexpected exception', async () => {
    const handler = createControlPlaneHandler({
      controlPlane: fakeFailingControlPlane(new TypeError('Cannot read properties of undefined')),
      authorize: allowAll,
      onError: () => undefined,
    });
    const response = await handler(request('GET', `/stages/${enc(STAGE)}`));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/Cannot read|at .*\(/);
  });

  it('passes a ValidationError raised by the control plane on as 400 with the field', async () => {
    const handler = createControlPlaneHandler({
      controlPlane: fakeFailingControlPlane(new ValidationError('stageArn', 'is wrong.')),
      authorize: allowAll,
    });
    const response = await handler(request('GET', `/stages/${enc(STAGE)}`));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({ name: 'ValidationError', field: 'stageArn', message: 'is wrong.' });
  });

  it('marks every answer no-store and nosniff', async () => {
    const handler = createControlPlaneHandler({ controlPlane: unreachableControlPlane(), authorize: allowAll });
    const response = await handler(request('GET', '/nope'));
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('createControlPlaneHandler: options', () => {
  it('requires authorize', () => {
    expect(() => createControlPlaneHandler({ controlPlane: unreachableControlPlane() } as never)).toThrow(ValidationError);
  });
  it('requires a control plane', () => {
    expect(() => createControlPlaneHandler({ authorize: allowAll } as never)).toThrow(/controlPlane/);
  });
  it('rejects a basePath without a leading slash', () => {
    expect(() => createControlPlaneHandler({ controlPlane: unreachableControlPlane(), authorize: allowAll, basePath: 'api' })).toThrow(/basePath/);
  });
});

describe('Retry-After from the services', () => {
  it('SigV4ControlPlane keeps the AWS answer\'s Retry-After (seconds or HTTP date) on the ControlPlaneError', async () => {
    const { toControlPlaneError } = await import('../../../src/control-plane/sigv4-answers');
    const awsError = (retryAfter: string | undefined) => {
      const error = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429, requestId: 'r1' } });
      Object.defineProperty(error, '$response', { value: { headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } }, enumerable: false });
      return error;
    };
    expect(toControlPlaneError('getStage', awsError('12')).retryAfterSeconds).toBe(12);
    expect(toControlPlaneError('getStage', awsError(undefined)).retryAfterSeconds).toBeUndefined();
    const inFiveSeconds = new Date(Date.now() + 5_000).toUTCString();
    const fromDate = toControlPlaneError('getStage', awsError(inFiveSeconds)).retryAfterSeconds!;
    expect(fromDate).toBeGreaterThanOrEqual(4);
    expect(fromDate).toBeLessThanOrEqual(6);
  });
});
