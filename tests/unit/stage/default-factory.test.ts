import { afterEach, describe, expect, it } from 'vitest';
import { StageError, TokenError } from '../../../src/core/errors';
import { defaultStageFactory, registerStageDriver } from '../../../src/stage/default-factory';
import type { StageDriver } from '../../../src/stage/driver';
import { FakeStageDriver, participantToken } from '../../fakes/fake-stage';

const restore: Array<() => void> = [];
afterEach(() => {
  while (restore.length) restore.pop()!();
});

function register(kind: 'ivs' | 'local'): { driver: StageDriver; calls: number } {
  const record = { driver: new FakeStageDriver() as StageDriver, calls: 0 };
  restore.push(
    registerStageDriver(kind, async () => {
      record.calls++;
      return record.driver;
    }),
  );
  return record;
}

describe('defaultStageFactory', () => {
  it('routes an AWS token to the Amazon IVS driver', async () => {
    const ivs = register('ivs');
    const local = register('local');
    expect(await defaultStageFactory(participantToken())).toBe(ivs.driver);
    expect(local.calls).toBe(0);
  });

  it('rejects with StageError naming the package when amazon-ivs-web-broadcast cannot load', async () => {
    // In Node (no browser globals) the SDK throws while it is evaluated, as it would in a broken install.
    const error = (await defaultStageFactory(participantToken()).catch((e: unknown) => e)) as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.message).toContain('npm install amazon-ivs-web-broadcast');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('routes a token marked ivs_local to the local driver', async () => {
    const local = register('local');
    const ivs = register('ivs');
    const driver = await defaultStageFactory(participantToken({ extra: { ivs_local: true, whip_url: 'http://127.0.0.1:4000/stage/s/whip' } }));
    expect(driver).toBe(local.driver);
    expect(ivs.calls).toBe(0);
  });

  it('loads the built-in local driver for an ivs-local token when none is registered', async () => {
    const driver = await defaultStageFactory(participantToken({ extra: { ivs_local: true, whip_url: 'http://127.0.0.1:4000/stage/s/whip' } }));
    expect(driver.kind).toBe('local');
  });

  it('routes a token whose whip_url is on loopback to the local driver', async () => {
    const local = register('local');
    await defaultStageFactory(participantToken({ extra: { whip_url: 'http://localhost:4000/stage/s/whip' } }));
    expect(local.calls).toBe(1);
  });

  it('restores the previous loader when a registration is undone', async () => {
    const outer = register('local');
    const inner = register('local');
    const token = participantToken({ extra: { ivs_local: true } });
    expect(await defaultStageFactory(token)).toBe(inner.driver);
    restore.pop()!();
    expect(await defaultStageFactory(token)).toBe(outer.driver);
  });

  it('rejects a malformed token with TokenError before loading anything', async () => {
    const ivs = register('ivs');
    await expect(defaultStageFactory('garbage')).rejects.toBeInstanceOf(TokenError);
    expect(ivs.calls).toBe(0);
  });
});
