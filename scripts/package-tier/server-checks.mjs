/* global Request */
// Package tier, run inside the temporary "server" app (aws-ivs-realtime + ivs-local + the AWS SDK
// clients installed from the tarballs): what a backend and a developer running the emulator get.
// - createControlPlaneHandler over SigV4ControlPlane answers like AWS:
//   404 for a missing stage (GET and DELETE, against ivs-local);
//   409, 429 (with the service's Retry-After) and 504 (SigV4ControlPlane's timeout) against a tiny
//   local HTTP stub answering as AWS's restJson1 does (ivs-local has no operation of the
//   ControlPlane interface that conflicts, and does not throttle);
// - `import { startLocalIvs } from 'ivs-local'`, and the `ivs-local` CLI: --version, the health
//   endpoint, exit 0 on SIGINT, and `npx ivs-local` running the installed package.
// Ends with `server checks: N passed, N failed`.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createControlPlaneHandler } from 'aws-ivs-realtime/server';
import { SigV4ControlPlane } from 'aws-ivs-realtime/sigv4';
import { startLocalIvs, ivsLocalVersion } from 'ivs-local';
import { check, expect, finish } from './app-checks.mjs';

const expectedVersion = (await import('ivs-local/package.json', { with: { type: 'json' } })).default.version;

const arn = (id) => `arn:aws:ivs:us-east-1:123456789012:stage/${id}`;
const call = (handler, method, stageArn) => handler(new Request(`http://app.test/stages/${encodeURIComponent(stageArn)}`, { method }));
const quiet = { authorize: () => true, onError: () => undefined };

// --- against ivs-local -----------------------------------------------------------------------
const ivs = await startLocalIvs({ port: 0 });
try {
  const handler = createControlPlaneHandler({
    ...quiet,
    controlPlane: new SigV4ControlPlane({ region: ivs.region, endpoint: ivs.url, credentials: ivs.credentials, maxAttempts: 1 }),
  });
  await check('handler over SigV4ControlPlane against ivs-local: a missing stage answers 404 ResourceNotFoundException (GET and DELETE)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await call(handler, method, arn('Missing00001'));
      const body = await response.json();
      expect(response.status === 404, `${method}: ${response.status} ${JSON.stringify(body)}`);
      expect(body.error?.name === 'ResourceNotFoundException', `${method}: ${JSON.stringify(body)}`);
    }
    const created = await handler(new Request('http://app.test/stages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"pkg"}' }));
    expect(created.status === 201, `createStage answered ${created.status}`);
  });
} finally {
  await ivs.close();
}

// --- against a stub answering as AWS does ------------------------------------------------------
const stub = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const send = (status, type, headers = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-ErrorType': type, 'x-amzn-RequestId': 'stub-1', ...headers }).end(JSON.stringify({ exceptionMessage: `${type} from the stub` }));
    if (body.includes('Conflict0001')) send(409, 'ConflictException');
    else if (body.includes('Throttle0001')) send(429, 'ThrottlingException', { 'retry-after': '7' });
    else if (body.includes('Timeout00001')) setTimeout(() => send(500, 'InternalServerException'), 5_000).unref();
    else send(500, 'InternalServerException');
  });
});
await new Promise((resolve) => stub.listen(0, '127.0.0.1', resolve));
try {
  const handler = createControlPlaneHandler({
    ...quiet,
    controlPlane: new SigV4ControlPlane({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${stub.address().port}`,
      credentials: { accessKeyId: 'STUBKEY', secretAccessKey: 'stub-secret' },
      maxAttempts: 1,
      timeoutMs: 1_000,
    }),
  });
  await check('handler over SigV4ControlPlane: ConflictException answers 409', async () => {
    const response = await call(handler, 'DELETE', arn('Conflict0001'));
    const body = await response.json();
    expect(response.status === 409 && body.error?.name === 'ConflictException', `${response.status} ${JSON.stringify(body)}`);
  });
  await check('handler over SigV4ControlPlane: ThrottlingException answers 429 with the service\'s Retry-After', async () => {
    const response = await call(handler, 'GET', arn('Throttle0001'));
    const body = await response.json();
    expect(response.status === 429 && body.error?.name === 'ThrottlingException', `${response.status} ${JSON.stringify(body)}`);
    expect(response.headers.get('retry-after') === '7', `Retry-After: ${response.headers.get('retry-after')}`);
  });
  await check('handler over SigV4ControlPlane: a control plane that does not answer in time answers 504', async () => {
    const t0 = Date.now();
    const response = await call(handler, 'GET', arn('Timeout00001'));
    const body = await response.json();
    expect(response.status === 504 && body.error?.name === 'GatewayTimeout', `${response.status} ${JSON.stringify(body)}`);
    return `after ${Date.now() - t0} ms (timeoutMs 1000)`;
  });
} finally {
  stub.close();
}

// --- the CLI -----------------------------------------------------------------------------------
function cli(command, args, { untilStdout, then } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let triggered = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish in time; stdout: ${stdout}; stderr: ${stderr}`));
    }, 30_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!triggered && untilStdout?.test(stdout)) {
        triggered = true;
        then(stdout, child).catch((error) => {
          child.kill('SIGKILL');
          reject(error);
        });
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

await check('import { startLocalIvs } from \'ivs-local\' works; ivsLocalVersion() is the package version', () => {
  expect(typeof startLocalIvs === 'function' && ivsLocalVersion() === expectedVersion, `${typeof startLocalIvs} ${ivsLocalVersion()} ${expectedVersion}`);
});
await check('ivs-local --version prints the version; npx ivs-local runs the installed package', async () => {
  const direct = await cli('node_modules/.bin/ivs-local', ['--version']);
  expect(direct.code === 0 && direct.stdout.trim() === expectedVersion, `exit ${direct.code}, stdout ${JSON.stringify(direct.stdout)}`);
  const viaNpx = await cli('npx', ['--no-install', 'ivs-local', '--version']);
  expect(viaNpx.code === 0 && viaNpx.stdout.trim() === expectedVersion, `npx: exit ${viaNpx.code}, ${viaNpx.stdout}${viaNpx.stderr}`);
});
await check('ivs-local answers GET /_ivs-local/health with 200 and its version, and exits 0 on SIGINT', async () => {
  let health;
  const run = await cli('node_modules/.bin/ivs-local', ['--port', '0'], {
    untilStdout: /IVS_LOCAL_URL=\S+/,
    then: async (stdout, child) => {
      const url = /IVS_LOCAL_URL=(\S+)/.exec(stdout)[1];
      const response = await fetch(`${url}/_ivs-local/health`);
      health = { status: response.status, body: await response.json() };
      child.kill('SIGINT');
    },
  });
  expect(health?.status === 200 && health.body.version === expectedVersion, `health: ${JSON.stringify(health)}`);
  expect(run.code === 0, `exit code ${run.code} (signal ${run.signal}); stderr: ${run.stderr}`);
});

finish('server checks');
