/* global Request */
// Package tier, run inside the temporary "stage" app (aws-ivs-realtime + amazon-ivs-web-broadcast,
// no AWS SDK installed): the server handler works without the AWS SDK, the SigV4 entry says how to
// install it, and the exports map also serves require() (Node >= 20.19 loads ES modules with it).
// Ends with `no-aws-sdk checks: N passed, N failed`.
import { createRequire } from 'node:module';
import { check, expect, finish } from './app-checks.mjs';


await check('without the AWS SDK installed, aws-ivs-realtime/server works', async () => {
  const { createControlPlaneHandler } = await import('aws-ivs-realtime/server');
  // A ControlPlane of the app's own (no AWS SDK): getStage answers, the rest is never called.
  const never = () => Promise.reject(new Error('not called'));
  const controlPlane = {
    region: 'us-east-1',
    getStage: async (arn) => ({ arn, name: 'mine', activeSessionId: undefined, tags: {}, endpoints: {} }),
    ...Object.fromEntries(['mintParticipantToken', 'listStages', 'createStage', 'deleteStage', 'disconnectParticipant', 'createChatRoom', 'deleteChatRoom', 'mintChatToken'].map((name) => [name, never])),
  };
  const handler = createControlPlaneHandler({ controlPlane, authorize: () => true });
  const arn = 'arn:aws:ivs:us-east-1:123456789012:stage/Mine00000001';
  const response = await handler(new Request(`http://app.test/stages/${encodeURIComponent(arn)}`));
  const body = await response.json();
  expect(response.status === 200 && body.stage?.arn === arn, `answered ${response.status} ${JSON.stringify(body)}`);
});
await check('without the AWS SDK installed, importing aws-ivs-realtime/sigv4 fails with the install command', async () => {
  const error = await import('aws-ivs-realtime/sigv4').then(
    () => undefined,
    (e) => e,
  );
  expect(error instanceof Error, 'the import succeeded');
  expect(error.message.includes('npm install @aws-sdk/client-ivs-realtime @aws-sdk/client-ivschat'), `message: ${error.message}`);
  return error.message;
});
await check('require() loads every entry but /sigv4 (which needs import: top-level await) from the exports map', () => {
  const require = createRequire(import.meta.url);
  for (const entry of ['aws-ivs-realtime', 'aws-ivs-realtime/stage', 'aws-ivs-realtime/chat', 'aws-ivs-realtime/server', 'aws-ivs-realtime/protocol']) {
    const module = require(entry);
    expect(Object.keys(module).length > 0, `${entry}: no exports`);
  }
  expect(typeof require('aws-ivs-realtime/stage').StageSession === 'function', 'StageSession');
});

finish('no-aws-sdk checks');
