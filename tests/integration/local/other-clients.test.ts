/**
 * ivs-local follows the protocol, not one client: the AWS CLI and boto3 (botocore's own
 * serializers, signers and error parsers) work against it with an endpoint override.
 * These tests run where the AWS CLI / boto3 are installed and are reported as skipped elsewhere.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocalIvs, type IvsLocalInternals as LocalIvs } from '../../../packages/ivs-local/src/server';

const run = promisify(execFile);

function available(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
const hasCli = available('aws', ['--version']);
const hasBoto3 = available('python3', ['-c', 'import boto3']);

let ivs: LocalIvs;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  ivs = await startLocalIvs({ port: 0 });
  env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: ivs.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ivs.credentials.secretAccessKey,
    AWS_REGION: ivs.region,
    AWS_DEFAULT_REGION: ivs.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
});
afterAll(async () => {
  await ivs?.close();
});

async function aws(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('aws', [...args, '--endpoint-url', ivs.url, '--output', 'json'], { env, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe.skipIf(!hasCli)('the AWS CLI against ivs-local', () => {
  test('creates a stage, mints a token, tags it and reads typed errors', async () => {
    const created = await aws('ivs-realtime', 'create-stage', '--name', 'cli-stage');
    expect(created.code).toBe(0);
    const arn = (JSON.parse(created.stdout) as { stage: { arn: string } }).stage.arn;
    expect(arn).toMatch(/^arn:aws:ivs:us-east-1:\d{12}:stage\/[A-Za-z0-9]{12}$/);

    const token = await aws('ivs-realtime', 'create-participant-token', '--stage-arn', arn, '--user-id', 'bob', '--capabilities', 'SUBSCRIBE');
    expect(token.code).toBe(0);
    expect(JSON.parse(token.stdout)).toMatchObject({ participantToken: { userId: 'bob', capabilities: ['SUBSCRIBE'] } });

    expect((await aws('ivs-realtime', 'tag-resource', '--resource-arn', arn, '--tags', 'env=dev')).code).toBe(0);
    expect(JSON.parse((await aws('ivs-realtime', 'list-tags-for-resource', '--resource-arn', arn)).stdout)).toEqual({ tags: { env: 'dev' } });

    const missing = await aws('ivs-realtime', 'get-stage', '--arn', `${arn.slice(0, -1)}X`);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('(ResourceNotFoundException)');

    const room = await aws('ivschat', 'create-room', '--name', 'cli-room', '--maximum-message-length', '200');
    expect(JSON.parse(room.stdout)).toMatchObject({ name: 'cli-room', maximumMessageLength: 200 });
  });

  test('a wrong secret is refused with InvalidSignatureException', async () => {
    const saved = env.AWS_SECRET_ACCESS_KEY;
    env.AWS_SECRET_ACCESS_KEY = 'not-the-secret';
    try {
      const denied = await aws('ivschat', 'list-rooms');
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain('(InvalidSignatureException)');
    } finally {
      env.AWS_SECRET_ACCESS_KEY = saved;
    }
  });
});

describe.skipIf(!hasBoto3)('boto3 against ivs-local', () => {
  test('lists, creates and deletes with botocore, and errors arrive as modeled exceptions', async () => {
    const script = `
import boto3, json
rt = boto3.client('ivs-realtime', endpoint_url=URL)
chat = boto3.client('ivschat', endpoint_url=URL)
stage = rt.create_stage(name='boto-stage')['stage']
names = [s['name'] for s in rt.list_stages()['stages']]
token = rt.create_participant_token(stageArn=stage['arn'], duration=5)['participantToken']
room = chat.create_room(name='boto-room')
chat.delete_room(identifier=room['arn'])
try:
    # A stage that does not exist: the last character of the ARN changed (never to itself).
    rt.get_stage(arn=stage['arn'][:-1] + ('X' if stage['arn'][-1] != 'X' else 'Y'))
    err = None
except rt.exceptions.ResourceNotFoundException as e:
    err = type(e).__name__
try:
    rt.create_stage(name='bad name!')
    verr = None
except rt.exceptions.ValidationException as e:
    verr = type(e).__name__
print(json.dumps({'names': names, 'duration': token['duration'], 'expiration': token['expirationTime'].isoformat(), 'err': err, 'verr': verr}))
`.replace(/URL/g, JSON.stringify(ivs.url));
    const { stdout } = await run('python3', ['-c', script], { env, timeout: 30_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(out['names']).toContain('boto-stage');
    expect(out['duration']).toBe(5);
    expect(String(out['expiration'])).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(out['err']).toBe('ResourceNotFoundException');
    expect(out['verr']).toBe('ValidationException');
  });
});
