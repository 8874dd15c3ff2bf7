/**
 * The package's on-demand parts: `loadOnce` itself, and what each class does when its chunk cannot
 * be loaded (a typed error saying what to do, and a new attempt on the next call). Each class is
 * imported from a fresh module graph with its chunk replaced by one that fails to load.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { loadOnce } from '../../../src/core/load-once';
import { participantToken } from '../../fakes/fake-stage';

describe('loadOnce', () => {
  test('loads once for any number of calls, concurrent or later', async () => {
    const load = vi.fn(async () => ({ value: 42 }));
    const get = loadOnce(load, (error) => new Error(String(error)));
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    await expect(get()).resolves.toBe(a);
    expect(load).toHaveBeenCalledTimes(1);
  });

  test('a failure is mapped by onError with the arguments of the call, and the next call loads again', async () => {
    const load = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new Error('404')).mockResolvedValueOnce('module');
    const get = loadOnce(load, (error, operation: string) => new RangeError(`${operation}: ${(error as Error).message}`));
    await expect(get('first')).rejects.toThrow(new RangeError('first: 404'));
    await expect(get('second')).resolves.toBe('module');
    await expect(get('third')).resolves.toBe('module');
    expect(load).toHaveBeenCalledTimes(2);
  });
});

/** Replaces `path` (relative to src/) with a module that fails to load; returns how often it was tried. */
function failingChunk(path: string): () => number {
  let attempts = 0;
  vi.resetModules();
  vi.doMock(`../../../src/${path}`, () => {
    attempts += 1;
    throw new Error(`chunk ${path}: 404`);
  });
  return () => attempts;
}

afterEach(() => {
  vi.doUnmock('../../../src/stage/stage-connection');
  vi.doUnmock('../../../src/chat/chat-connection');
  vi.doUnmock('../../../src/control-plane/http-requests');
});

describe('a chunk that cannot be loaded', () => {
  test('StageSession.join() rejects with StageError (join) and tries again on the next join()', async () => {
    const attempts = failingChunk('stage/stage-connection');
    const { StageSession } = await import('../../../src/stage/stage-session');
    const never = () => new Promise<never>(() => {});
    const session = new StageSession({ stageFactory: never });
    const left: unknown[] = [];
    session.on('left', (event) => left.push(event));

    const error = await session.join({ token: participantToken(), publish: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StageError', category: 'join', message: expect.stringContaining("serves the package's chunks") });
    expect(session.state).toBe('disconnected');
    expect(left).toEqual([expect.objectContaining({ reason: 'error' })]);

    await expect(session.join({ token: participantToken(), publish: false })).rejects.toMatchObject({ name: 'StageError' });
    expect(attempts()).toBe(2);
  });

  test('ChatSession.connect() rejects with LoadError (LOAD_FAILED), stays idle, and tries again on the next connect()', async () => {
    const attempts = failingChunk('chat/chat-connection');
    const { ChatSession } = await import('../../../src/chat/chat-session');
    const chat = new ChatSession({ chatRoomClass: class {} as never });
    const connect = () => chat.connect({ regionOrUrl: 'us-east-1', tokenProvider: async () => ({ token: 't' }) });

    await expect(connect()).rejects.toMatchObject({ name: 'LoadError', code: 'LOAD_FAILED', part: "ChatSession's connection module", message: expect.stringContaining('then call connect() again') });
    expect(chat.state).toBe('idle');
    await expect(connect()).rejects.toMatchObject({ name: 'LoadError' });
    expect(attempts()).toBe(2);
  });

  test('an HttpControlPlane call rejects with LoadError (LOAD_FAILED) naming the operation, and the next call tries again', async () => {
    const attempts = failingChunk('control-plane/http-requests');
    const { HttpControlPlane } = await import('../../../src/control-plane/http-control-plane');
    const fetch = vi.fn<typeof globalThis.fetch>();
    const controlPlane = new HttpControlPlane({ baseUrl: 'http://127.0.0.1:9/api', region: 'us-east-1', fetch });

    await expect(controlPlane.listStages()).rejects.toMatchObject({ name: 'LoadError', code: 'LOAD_FAILED', message: expect.stringContaining('(for listStages)') });
    await expect(controlPlane.getStage('arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGHijkl')).rejects.toMatchObject({ code: 'LOAD_FAILED', message: expect.stringContaining('(for getStage)') });
    expect(attempts()).toBe(2);
    expect(fetch).not.toHaveBeenCalled();
  });
});
