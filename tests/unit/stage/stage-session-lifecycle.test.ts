import { describe, expect, it, vi } from 'vitest';
import { AbortedError, InvalidStateError, StageError, TokenError, ValidationError } from '../../../src/core/errors';
import { DISCONNECTED_GRACE_MS } from '../../../src/stage/stage-connection';
import { StageSession } from '../../../src/stage/stage-session';
import { participantInfo, participantToken, stageError } from '../../fakes/fake-stage';
import { flush, joinConnected, setup } from './helpers';

describe('StageSession join()', () => {
  it('stays pending until the driver reports CONNECTED, then resolves', async () => {
    const ctx = setup();
    let settled = false;
    const joining = ctx.session.join({ token: participantToken(), publish: false }).then(() => (settled = true));
    await flush();
    expect(ctx.driver.stage.calls.join).toBe(1);
    ctx.driver.stage.emitConnectionState('connecting');
    await flush();
    expect(settled).toBe(false);
    expect(ctx.session.state).toBe('connecting');
    ctx.driver.stage.emitConnectionState('connected');
    await joining;
    expect(settled).toBe(true);
    expect(ctx.session.state).toBe('connected');
  });

  it('resolves on CONNECTED even when the driver join() promise never settles', async () => {
    const ctx = setup();
    const joining = ctx.session.join({ token: participantToken(), publish: false });
    await flush();
    ctx.driver.stage.joinResult = () => new Promise(() => {});
    ctx.driver.stage.connect();
    await expect(joining).resolves.toBeUndefined();
  });

  it('with a malformed token rejects with TokenError (malformed) and creates no driver', async () => {
    const ctx = setup();
    const error = await ctx.session.join({ token: 'not-a-jwt', publish: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).reason).toBe('malformed');
    expect(ctx.factoryCalls).toBe(0);
    expect(ctx.driver.stages).toHaveLength(0);
    expect(ctx.session.state).toBe('idle');
    expect(ctx.events.of('left')).toHaveLength(0);
  });

  it('with an expired token rejects with TokenError (expired) before any driver or media call', async () => {
    const ctx = setup();
    const error = await ctx.session.join({ token: participantToken({ expiresInSeconds: -10 }), publish: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).reason).toBe('expired');
    expect(ctx.factoryCalls).toBe(0);
    expect(ctx.devices.calls).toHaveLength(0);
  });

  it('with publish: true and a token without PUBLISH rejects with TokenError (not-allowed)', async () => {
    const ctx = setup();
    const error = await ctx.session.join({ token: participantToken({ publish: false }), publish: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).reason).toBe('not-allowed');
    expect(ctx.factoryCalls).toBe(0);
  });

  it('rejects a missing publish flag with ValidationError naming the field', async () => {
    const ctx = setup();
    const error = await ctx.session.join({ token: participantToken() } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('publish');
  });

  it('while connecting rejects with InvalidStateError and does not start a second connection', async () => {
    const ctx = setup();
    const first = ctx.session.join({ token: participantToken(), publish: false });
    const second = await ctx.session.join({ token: participantToken(), publish: false }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(InvalidStateError);
    expect((second as InvalidStateError).state).toBe('connecting');
    await flush();
    expect(ctx.driver.stages).toHaveLength(1);
    ctx.driver.stage.connect();
    await first;
    expect(ctx.session.state).toBe('connected');
  });

  it('while connected rejects with InvalidStateError and keeps the session connected', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    await expect(ctx.session.join({ token: participantToken(), publish: false })).rejects.toBeInstanceOf(InvalidStateError);
    expect(ctx.session.state).toBe('connected');
    expect(ctx.driver.stage.calls.leave).toBe(0);
  });

  it('rejects with StageError (join) when the SDK gives up joining (ERRORED, JOIN_ERROR TIMEOUT, join() rejects), after emitting left once', async () => {
    const ctx = setup();
    const joining = ctx.session.join({ token: participantToken(), publish: false });
    await flush();
    ctx.driver.stage.failJoinOffline();
    const error = await joining.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect((error as StageError).category).toBe('join');
    expect((error as StageError).message).toContain('TIMEOUT (3)');
    expect(ctx.session.state).toBe('disconnected');
    expect(ctx.events.of('left')).toEqual([{ reason: 'error', error }]);
    expect(ctx.events.of('stateChanged').map((e) => e.state)).toEqual(['connecting', 'disconnected']);
    expect(ctx.driver.stage.calls.leave).toBe(1);
  });

  it('rejects with StageError (join) carrying the driver error when a JOIN_ERROR arrives while joining', async () => {
    const ctx = setup();
    const joining = ctx.session.join({ token: participantToken(), publish: false });
    await flush();
    ctx.driver.stage.emitError(stageError(6, 'JOIN_ERROR', 'stage is full'));
    const error = (await joining.catch((e: unknown) => e)) as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.message).toContain('STAGE_AT_CAPACITY');
    expect(error.cause).toBeInstanceOf(StageError);
    expect(ctx.events.of('error')).toHaveLength(1);
    expect(ctx.driver.stage.calls.leave).toBe(1);
  });

  it('rejects with StageError (join) when the stage is left while joining, and maps the reason', async () => {
    const ctx = setup();
    const joining = ctx.session.join({ token: participantToken(), publish: false });
    await flush();
    ctx.driver.stage.emitLeft('stage-deleted');
    await expect(joining).rejects.toBeInstanceOf(StageError);
    expect(ctx.session.leftReason).toBe('stage-deleted');
    expect(ctx.events.of('left').map((e) => e.reason)).toEqual(['stage-deleted']);
  });

  it('rejects with StageError (join) when the driver join() rejects', async () => {
    const ctx = setup();
    ctx.driver.onStageCreated = (stage) => {
      stage.joinResult = () => Promise.reject(stageError(3, 'JOIN_ERROR', 'timed out'));
    };
    const error = (await ctx.session.join({ token: participantToken(), publish: true }).catch((e: unknown) => e)) as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.message).toContain('TIMEOUT');
    expect(ctx.devices.tracks.length).toBeGreaterThan(0);
    expect(ctx.devices.liveTracks).toHaveLength(0);
    expect(ctx.session.state).toBe('disconnected');
  });

  it('aborted through its signal rejects with AbortedError, leaves the stage and emits left (user)', async () => {
    const ctx = setup();
    const controller = new AbortController();
    const joining = ctx.session.join({ token: participantToken(), publish: false, signal: controller.signal });
    await flush();
    controller.abort();
    await expect(joining).rejects.toBeInstanceOf(AbortedError);
    expect(ctx.driver.stage.calls.leave).toBe(1);
    expect(ctx.driver.stage.listenerCount()).toBe(0);
    expect(ctx.session.state).toBe('disconnected');
    expect(ctx.events.of('left')).toEqual([{ reason: 'user' }]);
  });

  it('with an already-aborted signal rejects with AbortedError without creating a driver', async () => {
    const ctx = setup();
    await expect(ctx.session.join({ token: participantToken(), publish: false, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(ctx.factoryCalls).toBe(0);
  });

  it('aborted while the stage driver loads never creates a stage', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ctx = setup();
    const session = new StageSession({
      stageFactory: async () => {
        await gate;
        return ctx.driver;
      },
      mediaDevices: ctx.devices,
    });
    const controller = new AbortController();
    const joining = session.join({ token: participantToken(), publish: true, signal: controller.signal });
    controller.abort();
    release();
    await expect(joining).rejects.toBeInstanceOf(AbortedError);
    await flush();
    expect(ctx.driver.stages).toHaveLength(0);
    expect(ctx.devices.calls).toHaveLength(0);
  });

  it('leave() while the stage driver is still loading rejects the join at once, even if the load never ends', async () => {
    const session = new StageSession({ stageFactory: () => new Promise(() => {}) });
    const joining = session.join({ token: participantToken(), publish: false });
    await flush();
    await session.leave();
    await expect(joining).rejects.toBeInstanceOf(AbortedError);
    expect(session.state).toBe('disconnected');
    expect(session.leftReason).toBe('user');
  });

  it('after dispose() rejects with InvalidStateError', async () => {
    const ctx = setup();
    await ctx.session.dispose();
    await expect(ctx.session.join({ token: participantToken(), publish: false })).rejects.toBeInstanceOf(InvalidStateError);
  });

  it('wraps a failing stage factory in StageError (join) and returns to disconnected', async () => {
    const session = new StageSession({
      stageFactory: () => {
        throw new Error('no media stack');
      },
    });
    const error = await session.join({ token: participantToken(), publish: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect((error as Error).message).toContain('no media stack');
    expect(session.state).toBe('disconnected');
  });
});

describe('StageSession connection state', () => {
  it('moves idle → connecting → connected → reconnecting → connected → disconnected', async () => {
    const ctx = setup();
    expect(ctx.session.state).toBe('idle');
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.driver.stage.emitConnectionState('connecting');
    expect(ctx.session.state).toBe('reconnecting');
    ctx.driver.stage.emitConnectionState('connected');
    await ctx.session.leave();
    expect(ctx.events.of('stateChanged')).toEqual([
      { state: 'connecting', previous: 'idle' },
      { state: 'connected', previous: 'connecting' },
      { state: 'reconnecting', previous: 'connected' },
      { state: 'connected', previous: 'reconnecting' },
      { state: 'disconnected', previous: 'connected' },
    ]);
  });

  it('treats a bare driver DISCONNECTED after connecting as reconnecting once the stage has not left within the grace period', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      ctx.driver.stage.emitConnectionState('disconnected');
      expect(ctx.session.state).toBe('connected');
      vi.advanceTimersByTime(DISCONNECTED_GRACE_MS);
      expect(ctx.session.state).toBe('reconnecting');
    } finally {
      vi.useRealTimers();
    }
    ctx.driver.stage.emitLeft('unknown');
    expect(ctx.session.state).toBe('disconnected');
  });

  it('keeps the session when the driver reports ERRORED while connected: reconnecting, not left', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.driver.stage.emitConnectionState('errored');
    expect(ctx.session.state).toBe('reconnecting');
    expect(ctx.events.of('left')).toEqual([]);
    expect(ctx.driver.stage.calls.leave).toBe(0);
  });

  it('can join again after leaving', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    await ctx.session.leave();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    expect(ctx.session.state).toBe('connected');
    expect(ctx.session.leftReason).toBeUndefined();
    expect(ctx.driver.stages).toHaveLength(2);
  });
});

// Every StageLeftReason → LeftReason: stage-session-ivs-lifecycle.test.ts.
describe('StageSession left reasons', () => {
  it('a TOKEN_EXPIRED error followed by stageLeft gives left { reason: token-expired } with a TokenError', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.driver.stage.emitError(stageError(2, 'JOIN_ERROR', 'token expired'));
    expect(ctx.session.state).toBe('connected');
    ctx.driver.stage.emitLeft('unknown');
    const [left] = ctx.events.of('left');
    expect(left?.reason).toBe('token-expired');
    expect(left?.error).toBeInstanceOf(TokenError);
  });

  it('a TOKEN_EXPIRED join error while connected is reported without ending the session (the stage leaves if it must)', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.driver.stage.emitError(stageError(2, 'JOIN_ERROR', 'token expired'));
    expect(ctx.session.state).toBe('connected');
    expect(ctx.events.of('error').map((e) => e.error)).toEqual([expect.any(TokenError)]);
    expect(ctx.events.of('left')).toEqual([]);
  });

  it('leave() emits exactly one left event, even when the driver also reports stageLeft', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    const stage = ctx.driver.stage;
    await ctx.session.leave();
    stage.emitLeft('user-initiated');
    await ctx.session.leave();
    await ctx.session.dispose();
    expect(ctx.events.of('left')).toEqual([{ reason: 'user' }]);
    expect(stage.calls.leave).toBe(1);
  });

  it('leave() on a session that never joined resolves and emits nothing', async () => {
    const ctx = setup();
    await ctx.session.leave();
    await ctx.session.leave();
    expect(ctx.events.all).toHaveLength(0);
    expect(ctx.session.state).toBe('idle');
  });

  it('leave() while joining rejects the join with AbortedError and emits one left (user)', async () => {
    const ctx = setup();
    const joining = ctx.session.join({ token: participantToken(), publish: false });
    await flush();
    await ctx.session.leave();
    await expect(joining).rejects.toBeInstanceOf(AbortedError);
    expect(ctx.events.of('left')).toEqual([{ reason: 'user' }]);
  });

  it('driver events after leave() are ignored', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: false });
    const stage = ctx.driver.stage;
    await ctx.session.leave();
    const before = ctx.events.all.length;
    stage.emitJoined(participantInfo({ id: 'late' }));
    stage.emitConnectionState('connected');
    expect(ctx.events.all.length).toBe(before);
    expect(ctx.session.participants).toHaveLength(0);
  });
});

describe('StageSession robustness', () => {
  it('a listener that throws does not corrupt state or stop other listeners', async () => {
    const ctx = setup();
    ctx.session.on('stateChanged', () => {
      throw new Error('app bug');
    });
    ctx.session.on('participantJoined', () => {
      throw new Error('app bug');
    });
    await joinConnected(ctx, { token: participantToken(), publish: false });
    ctx.driver.stage.emitJoined(participantInfo({ id: 'remote-1' }));
    expect(ctx.session.state).toBe('connected');
    expect(ctx.session.participants.map((p) => p.id)).toEqual(['p-local', 'remote-1']);
    expect(ctx.events.of('participantJoined')).toHaveLength(2);
    expect(ctx.listenerErrors.length).toBeGreaterThanOrEqual(3);
    await ctx.session.leave();
    expect(ctx.session.state).toBe('disconnected');
  });

  it('the strategy of a stage that was left answers "nothing", even after a new join publishes', async () => {
    const ctx = setup();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    const old = ctx.driver.stage;
    await ctx.session.leave();
    await joinConnected(ctx, { token: participantToken(), publish: true });
    expect(ctx.driver.stage.strategy.stageStreamsToPublish()).toHaveLength(2);
    expect(old.strategy.stageStreamsToPublish()).toEqual([]);
    expect(old.strategy.shouldPublishParticipant(participantInfo({ id: 'p-local', isLocal: true }))).toBe(false);
    expect(old.strategy.shouldSubscribeToParticipant(participantInfo({ id: 'bob' }))).toBe('none');
  });

  it('leaves no driver listeners behind after 20 join/leave cycles', async () => {
    const ctx = setup();
    for (let i = 0; i < 20; i++) {
      await joinConnected(ctx, { token: participantToken(), publish: i % 2 === 0 });
      expect(ctx.driver.stage.listenerCount()).toBeGreaterThan(0);
      await ctx.session.leave();
    }
    expect(ctx.driver.stages).toHaveLength(20);
    for (const stage of ctx.driver.stages) expect(stage.listenerCount()).toBe(0);
    expect(ctx.devices.liveTracks).toHaveLength(0);
    expect(ctx.events.of('left')).toHaveLength(20);
    expect(ctx.session.listenerCount('left')).toBe(1);
  });
});
