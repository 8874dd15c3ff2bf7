// @vitest-environment happy-dom
/**
 * StageSession over the FakeStage scenarios that model what AWS documents of `amazon-ivs-web-broadcast`
 * (see tests/fakes/fake-stage.ts): a network blip and its recovery, retries followed by FAILED, every
 * `StageLeftReason`, a refused token exchange. The grid in the blip test is the real StageGrid.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StageError, TokenError } from '../../../src/core/errors';
import { StageGrid } from '../../../src/grid/stage-grid';
import { DriverErrorCode, type DriverLeftReason } from '../../../src/stage/driver';
import { DISCONNECTED_GRACE_MS } from '../../../src/stage/stage-connection';
import type { LeftReason } from '../../../src/stage/types';
import { participantInfo, participantToken, remoteStream } from '../../fakes/fake-stage';
import { FakeResizeObserver, stubPlay } from '../grid/helpers';
import { flush, joinConnected, setup } from './helpers';

/** Joins as `me` (publishing), with two remote publishers in the stage. */
async function liveSession() {
  const ctx = setup();
  await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: true });
  for (const id of ['alice', 'bob']) {
    const info = participantInfo({ id, isPublishing: true });
    ctx.driver.stage.emitJoined(info);
    ctx.driver.stage.emitStreamsAdded(info, [remoteStream('audio'), remoteStream('video')]);
  }
  return ctx;
}

const stateChanges = (ctx: ReturnType<typeof setup>) => ctx.events.of('stateChanged').map((e) => e.state);

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

describe('a network blip on Amazon IVS (errored, then recovered within the SDK retries)', () => {
  it('keeps the session, every participant and every tile, and emits reconnecting → connected', async () => {
    FakeResizeObserver.install();
    stubPlay('resolve');
    const ctx = await liveSession();
    const container = document.createElement('div');
    document.body.append(container);
    const grid = new StageGrid(container, ctx.session);
    await grid.load();
    const tilesBefore = [...container.querySelectorAll<HTMLElement>('.ivs-tile')];
    const videosBefore = [...container.querySelectorAll('video')];
    const participantsBefore = ctx.session.participants;
    expect(tilesBefore.map((t) => t.dataset['participantId'])).toEqual(['me', 'alice', 'bob']);
    const eventsBefore = ctx.events.all.length;

    ctx.driver.stage.loseNetwork();
    expect(ctx.session.state).toBe('reconnecting');
    expect(container.querySelector<HTMLElement>('.ivs-grid__banner')!.hidden).toBe(false);
    ctx.driver.stage.recoverNetwork();

    expect(ctx.session.state).toBe('connected');
    expect(ctx.events.all.slice(eventsBefore).map((e) => e.type)).toEqual(['stateChanged', 'stateChanged']);
    expect(stateChanges(ctx).slice(-2)).toEqual(['reconnecting', 'connected']);
    expect(ctx.session.participants).toEqual(participantsBefore);
    expect(ctx.session.participants.every((p, i) => p === participantsBefore[i])).toBe(true);
    expect([...container.querySelectorAll('.ivs-tile')]).toEqual(tilesBefore);
    expect([...container.querySelectorAll('video')]).toEqual(videosBefore);
    expect(ctx.session.publishing).toBe(true);
    expect(ctx.devices.liveTracks).toHaveLength(2);
    expect(ctx.driver.stage.calls.leave).toBe(0);
    expect(ctx.events.of('left')).toEqual([]);
    grid.destroy();
    await ctx.session.leave();
  });

  it('a blip reported as connecting (no errored) is a reconnect too', async () => {
    const ctx = await liveSession();
    ctx.driver.stage.recoverNetwork();
    expect(stateChanges(ctx).slice(-2)).toEqual(['reconnecting', 'connected']);
    expect(ctx.session.participants).toHaveLength(3);
  });

  it('a publish or subscribe error during the blip is reported and the session goes on', async () => {
    const ctx = await liveSession();
    ctx.driver.stage.loseNetwork();
    ctx.driver.stage.emitError({ name: 'StageError', code: DriverErrorCode.FAILED, category: 'PUBLISH_ERROR', message: 'publish failed' });
    ctx.driver.stage.emitError({ name: 'StageError', code: DriverErrorCode.TIMEOUT, category: 'SUBSCRIBE_ERROR', message: 'subscribe timed out' });
    ctx.driver.stage.recoverNetwork();
    expect(ctx.session.state).toBe('connected');
    const errors = ctx.events.of('error').map((e) => e.error as StageError);
    expect(errors.map((e) => [e.category, e.fatal])).toEqual([
      ['publish', false],
      ['subscribe', false],
    ]);
    expect(ctx.events.of('left')).toEqual([]);
  });
});

describe('the SDK gives up after its retries (JOIN_ERROR FAILED or TIMEOUT)', () => {
  it.each([
    ['FAILED', DriverErrorCode.FAILED],
    ['TIMEOUT', DriverErrorCode.TIMEOUT],
  ])('%s ends the session with left { reason: error } and a typed, fatal StageError; leave() runs once', async (name, code) => {
    const ctx = await liveSession();
    ctx.driver.stage.loseNetwork();
    expect(ctx.session.state).toBe('reconnecting');
    const driverError = ctx.driver.stage.giveUp(code);

    expect(ctx.session.state).toBe('disconnected');
    const lefts = ctx.events.of('left');
    expect(lefts).toHaveLength(1);
    expect(lefts[0]!.reason).toBe('error');
    const error = lefts[0]!.error as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.category).toBe('join');
    expect(error.fatal).toBe(true);
    expect(error.cause).toBe(driverError);
    expect(error.message).toContain(`${name} (${code})`);
    expect(ctx.events.of('error').map((e) => e.error)).toEqual([error]);
    expect(ctx.events.of('participantLeft').map((e) => e.participant.id)).toEqual(['me', 'alice', 'bob']);
    expect(ctx.driver.stage.calls.leave).toBe(1);
    expect(ctx.devices.liveTracks).toHaveLength(0);
    expect(stateChanges(ctx).slice(-2)).toEqual(['reconnecting', 'disconnected']);

    await ctx.session.leave();
    await ctx.session.dispose();
    expect(ctx.driver.stage.calls.leave).toBe(1);
    expect(ctx.events.of('left')).toHaveLength(1);
  });

  it('the app can join again after the SDK gave up', async () => {
    const ctx = await liveSession();
    ctx.driver.stage.giveUp();
    await joinConnected(ctx, { token: participantToken({ participantId: 'me' }), publish: true });
    expect(ctx.session.state).toBe('connected');
    expect(ctx.driver.stages).toHaveLength(2);
    expect(ctx.devices.liveTracks).toHaveLength(2);
  });
});

describe('every StageLeftReason maps to its own LeftReason', () => {
  const table: Array<[DriverLeftReason, LeftReason]> = [
    ['user-initiated', 'user'],
    ['stage-deleted', 'stage-deleted'],
    ['participant-disconnected', 'kicked'],
    ['token-reused', 'token-reused'],
    ['failed-exchange', 'exchange-failed'],
    ['real-time-connection-forced-leave', 'connection-forced-leave'],
    ['real-time-connection-token-revocation', 'connection-token-revoked'],
    ['unknown', 'unknown'],
  ];

  it('the table covers every reason, one LeftReason each', () => {
    expect(new Set(table.map(([reason]) => reason)).size).toBe(8);
    expect(new Set(table.map(([, mapped]) => mapped)).size).toBe(8);
  });

  it.each(table)('a server-initiated leave (%s) ends with %s, without a false reconnecting and without calling leave()', async (reason, expected) => {
    const ctx = await liveSession();
    await ctx.driver.stage.serverLeave(reason);
    expect(ctx.session.leftReason).toBe(expected);
    expect(ctx.events.of('left').map((l) => l.reason)).toEqual([expected]);
    expect(stateChanges(ctx)).toEqual(['connecting', 'connected', 'disconnected']);
    expect(ctx.driver.stage.calls.leave).toBe(0);
    expect(ctx.devices.liveTracks).toHaveLength(0);
    const [left] = ctx.events.of('left');
    if (expected === 'user') expect(left!.error).toBeUndefined();
    else expect(left!.error).toBeInstanceOf(StageError);
  });

  it('no false reconnecting either when stageLeft follows DISCONNECTED a little later', async () => {
    const ctx = await liveSession();
    await ctx.driver.stage.serverLeave('stage-deleted', { delayMs: Math.floor(DISCONNECTED_GRACE_MS / 5) });
    expect(stateChanges(ctx)).toEqual(['connecting', 'connected', 'disconnected']);
    expect(ctx.session.leftReason).toBe('stage-deleted');
  });

  it('a TOKEN_EXPIRED connection error before an unknown leave ends with token-expired and a TokenError', async () => {
    const ctx = await liveSession();
    await ctx.driver.stage.serverLeave('unknown', { error: { name: 'StageError', code: DriverErrorCode.TOKEN_EXPIRED, category: 'JOIN_ERROR', message: 'expired' } });
    const [left] = ctx.events.of('left');
    expect(left!.reason).toBe('token-expired');
    expect(left!.error).toBeInstanceOf(TokenError);
    expect(stateChanges(ctx)).toEqual(['connecting', 'connected', 'disconnected']);
  });
});

describe('a refused token exchange', () => {
  it('is reported as itself: exchangeToken() rejects with the exchange error, the session ends with exchange-failed, leave() is not called twice', async () => {
    const ctx = await liveSession();
    const driverError = ctx.driver.stage.rejectExchange(DriverErrorCode.TOKEN_EXCHANGE_FAILED);
    const error = (await ctx.session.exchangeToken(participantToken({ participantId: 'me', publish: false })).catch((e: unknown) => e)) as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.cause).toBe(driverError);
    expect(error.message).toMatch(/^The stage refused the token exchange \(TOKEN_EXCHANGE_FAILED \(12\)/);
    await flush();
    const lefts = ctx.events.of('left');
    expect(lefts.map((l) => l.reason)).toEqual(['exchange-failed']);
    expect(lefts[0]!.error).toBeInstanceOf(StageError);
    expect(lefts[0]!.error!.message).toContain('failed-exchange');
    expect(ctx.driver.stage.calls.leave).toBe(0);
    expect(ctx.devices.liveTracks).toHaveLength(0);
    await ctx.session.leave();
    expect(ctx.driver.stage.calls.leave).toBe(0);
    expect(ctx.events.of('left')).toHaveLength(1);
  });

  it('a refused exchange the SDK also reports as a JOIN_ERROR event does not end the session by itself', async () => {
    const ctx = await liveSession();
    ctx.driver.stage.exchangeResult = () => {
      const error = { name: 'StageError', code: DriverErrorCode.TOKEN_EXCHANGE_REQUEST_INVALID, category: 'JOIN_ERROR', message: 'bad token' };
      ctx.driver.stage.emitError(error);
      return Promise.reject(error);
    };
    await expect(ctx.session.exchangeToken(participantToken({ participantId: 'me' }))).rejects.toThrow(/TOKEN_EXCHANGE_REQUEST_INVALID \(11\)/);
    expect(ctx.session.state).toBe('connected');
    expect(ctx.events.of('left')).toEqual([]);
  });
});

describe('leave() by the app', () => {
  it('while reconnecting ends the session once and calls the driver leave() once', async () => {
    const ctx = await liveSession();
    ctx.driver.stage.loseNetwork();
    await ctx.session.leave();
    await ctx.session.leave();
    expect(ctx.events.of('left')).toEqual([{ reason: 'user' }]);
    expect(ctx.driver.stage.calls.leave).toBe(1);
    expect(ctx.devices.liveTracks).toHaveLength(0);
  });

  it('a bare DISCONNECTED followed by leave() shows no reconnecting', async () => {
    const ctx = await liveSession();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    ctx.driver.stage.emitConnectionState('disconnected');
    await ctx.session.leave();
    vi.advanceTimersByTime(DISCONNECTED_GRACE_MS * 2);
    expect(stateChanges(ctx)).toEqual(['connecting', 'connected', 'disconnected']);
  });
});
