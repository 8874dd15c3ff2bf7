import { describe, expect, it } from 'vitest';
import { StageError, TokenError } from '../../../src/core/errors';
import { defaultStageFactory } from '../../../src/stage/default-factory';
import { participantToken } from '../../fakes/fake-stage';

// The IVS route is recognised by its loader's failure: in Node (no browser globals) amazon-ivs-web-broadcast
// throws while it is evaluated, as in a broken install. tests/unit/stage/ivs-driver.test.ts loads it in happy-dom.
describe('defaultStageFactory', () => {
  it('routes an AWS token to the Amazon IVS driver, and names the package when it cannot load', async () => {
    const error = (await defaultStageFactory(participantToken()).catch((e: unknown) => e)) as StageError;
    expect(error).toBeInstanceOf(StageError);
    expect(error.message).toContain('npm install amazon-ivs-web-broadcast');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('routes a token marked ivs_local to the built-in local driver', async () => {
    const driver = await defaultStageFactory(participantToken({ extra: { ivs_local: true, whip_url: 'http://127.0.0.1:4000/stage/s/whip' } }));
    expect(driver.kind).toBe('local');
  });

  it('routes a token whose whip_url is on loopback to the local driver', async () => {
    const driver = await defaultStageFactory(participantToken({ extra: { whip_url: 'http://localhost:4000/stage/s/whip' } }));
    expect(driver.kind).toBe('local');
  });

  it('rejects a malformed token with TokenError before loading anything', async () => {
    await expect(defaultStageFactory('garbage')).rejects.toBeInstanceOf(TokenError);
  });
});
