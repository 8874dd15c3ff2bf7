#!/usr/bin/env node
// `npm run demo`: the demo app on http://127.0.0.1, backed by ivs-local (default) or by AWS.
//
//   npm run demo                      ivs-local in-process + the Vite dev server, one URL
//   npm run demo -- --port 0          any free port (the URL is printed)
//   AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… npm run demo
//                                     real AWS (no emulator); the keys stay in this process
//
// Options: --port <n> (default 5173, 0 = any free port), --emulator-port <n> (default 0),
// --data <file> (ivs-local keeps stages and rooms in this file across restarts),
// --local (ignore AWS credentials in the environment), --aws (require them), --no-watch, --help.
//
// The page's control plane is mounted at /api (createControlPlaneHandler over a SigV4ControlPlane
// signed in this process), and /api/config tells the page which mode it runs in. AWS secrets never
// reach the page; in local mode the page may also sign requests itself with the emulator's public
// test credentials ("on-device SigV4 (dev only)").
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const demoRoot = fileURLToPath(new URL('../demo/', import.meta.url));

const HELP = `Usage: npm run demo -- [options]

  --port <n>           port of the demo page (default 5173; 0 picks a free one)
  --emulator-port <n>  port of ivs-local (default 0: a free one)
  --data <file>        ivs-local persists stages and chat rooms in this file
  --local              use ivs-local even if AWS credentials are in the environment
  --aws                use AWS (needs AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)
  --no-watch           no file watching and no hot reload (for automated tests)
  -h, --help           show this help

Everything listens on 127.0.0.1. Stop with Ctrl-C.`;

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string', default: '5173' },
      'emulator-port': { type: 'string', default: '0' },
      data: { type: 'string' },
      local: { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
      'no-watch': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

function portOption(name, value) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--${name} must be a port number (0–65535), got "${value}".`);
  return port;
}
const port = portOption('port', args.port);
const emulatorPort = portOption('emulator-port', args['emulator-port']);
if (args.local && args.aws) fail('--local and --aws exclude each other.');

const env = process.env;
const hasAwsEnv = Boolean(env.AWS_REGION && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
if (args.aws && !hasAwsEnv) {
  fail('--aws needs AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials).');
}
const mode = args.local ? 'local' : hasAwsEnv ? 'aws' : 'local';
// Against the emulator the AWS SDK's Node-version notice is noise; on AWS it is kept.
if (mode === 'local') env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Absolute path of a source file (loaded through Vite, so the demo always runs the current code). */
const sourceFile = (path) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

// ---------------------------------------------------------------------------------------------
// /api

function sendJson(res, status, value) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(value));
}

/** Tag every demo stage and room carries (the lobby lists only these). */
const DEMO_APP_TAG = 'aws-ivs-realtime-demo';

/** The participant attribute marking a screen share (`SCREEN_SHARE_ATTRIBUTE` of the SDK). */
const SCREEN_SHARE_ATTRIBUTE = 'screenShareOf';
const PARTICIPANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The control plane `/api` serves (set once the backend is ready). */
let controlPlane;

/**
 * Who may do what. The demo has no sign-in, so it allows the operations its page uses and denies
 * the rest; a real app looks up the signed-in user from `request` (cookie, bearer token) here and
 * decides per user, e.g. only a stage's owner may delete it or mint PUBLISH tokens.
 */
function authorize({ operation, input }) {
  switch (operation) {
    case 'listStages':
    case 'getStage':
    case 'deleteStage':
    case 'deleteChatRoom':
    case 'mintChatToken':
      return true;
    case 'mintParticipantToken':
      return authorizeParticipantToken(input);
    case 'createStage':
    case 'createChatRoom':
      // Overrides are merged into the caller's input: every resource is marked as the demo's.
      return { tags: { ...input.tags, app: DEMO_APP_TAG } };
    default:
      return false;
  }
}

/**
 * Participant tokens. Viewers and guests get the token they ask for, minus anything marking a host
 * or a screen. Host and screen-share tokens are for the stage's host only: the user whose id the
 * stage's `hostUserId` tag names (the demo has no sign-in, so the user id the page sends stands in
 * for the signed-in user a real app would take from `request`).
 *
 * A screen-share token (`attributes.screenShareOf` = the host's camera participant) is issued to
 * the user id `<hostUserId>/screen`, PUBLISH only (the screen watches nobody), for at most an hour,
 * with only the attributes that mark it as that host's screen.
 */
async function authorizeParticipantToken(input) {
  const attributes = input.attributes ?? {};
  const { [SCREEN_SHARE_ATTRIBUTE]: screenOf, role, ...rest } = attributes;
  const isScreen = screenOf !== undefined || role === 'screen';
  if (!isScreen && role !== 'host') {
    // A viewer or guest: never marked as a host or a screen.
    return role === undefined || role === 'guest' || role === 'viewer' ? true : { attributes: rest };
  }
  let stage;
  try {
    stage = await controlPlane.getStage(input.stageArn);
  } catch (error) {
    // A stage that does not exist: let the operation itself report it (ResourceNotFoundException).
    return error?.errorName === 'ResourceNotFoundException';
  }
  const hostUserId = stage.tags.hostUserId;
  if (stage.tags.app !== DEMO_APP_TAG || !hostUserId) return false;
  if (!isScreen) return input.userId === hostUserId;
  if (input.userId !== `${hostUserId}/screen` || typeof screenOf !== 'string' || !PARTICIPANT_ID.test(screenOf)) return false;
  const displayName = typeof rest.displayName === 'string' ? rest.displayName.trim().slice(0, 60) : '';
  return {
    capabilities: ['PUBLISH'],
    durationMinutes: Math.min(input.durationMinutes ?? 60, 60),
    attributes: { [SCREEN_SHARE_ATTRIBUTE]: screenOf, role: 'screen', ...(displayName ? { displayName } : {}) },
  };
}

/**
 * A Vite plugin mounting the control plane at /api. `backend` resolves once ivs-local (or the AWS
 * clients) is ready; requests that arrive earlier wait for it.
 */
function apiPlugin(backend) {
  return {
    name: 'aws-ivs-realtime-demo-api',
    configureServer(server) {
      const waitFor = (use) => (req, res, next) => {
        backend.then(
          (ready) => use(ready, req, res, next),
          () => sendJson(res, 503, { error: { name: 'Unavailable', message: 'The demo backend did not start; see its console.' } }),
        );
      };
      server.middlewares.use(
        '/api/config',
        waitFor(({ pageConfig }, req, res) => sendJson(res, 200, pageConfig)),
      );
      // Connect strips the mount path from req.url, so the handler is created with basePath ''.
      server.middlewares.use(
        '/api',
        waitFor(({ listener }, req, res, next) => listener(req, res, next)),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------

let resolveBackend;
let rejectBackend;
const backend = new Promise((resolve, reject) => {
  resolveBackend = resolve;
  rejectBackend = reject;
});
backend.catch(() => {}); // reported below

const sigtermBefore = new Set(process.listeners('SIGTERM'));
const vite = await createServer({
  configFile: fileURLToPath(new URL('../demo/vite.config.ts', import.meta.url)),
  root: demoRoot,
  server: {
    host: '127.0.0.1',
    port,
    strictPort: port !== 0,
    // Tests must not see the page reload because a source file changed under them.
    ...(args['no-watch'] ? { hmr: false, watch: null } : {}),
  },
  plugins: [apiPlugin(backend)],
  logLevel: 'warn',
  clearScreen: false,
});

// Vite installs its own SIGTERM handler (close the dev server, exit 143); this script stops the
// emulator too and exits 0, so it takes SIGTERM over.
for (const listener of process.listeners('SIGTERM')) if (!sigtermBefore.has(listener)) process.off('SIGTERM', listener);

let emulator;
let stopping = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(code), 5000);
  force.unref();
  await Promise.allSettled([vite.close(), emulator?.close()]);
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) process.exit(130); // second Ctrl-C: do not wait
    console.log('\ndemo: stopping…');
    void stop(0);
  });
}

try {
  const [{ createControlPlaneHandler, toNodeListener }, { SigV4ControlPlane }] = await Promise.all([
    vite.ssrLoadModule(sourceFile('server.ts')),
    vite.ssrLoadModule(sourceFile('sigv4.ts')),
  ]);
  let pageConfig;
  if (mode === 'local') {
    const { startLocalIvs } = await vite.ssrLoadModule(fileURLToPath(new URL('../packages/ivs-local/src/index.ts', import.meta.url)));
    emulator = await startLocalIvs({ port: emulatorPort, host: '127.0.0.1', ...(args.data ? { dataFile: args.data } : {}) });
    controlPlane = new SigV4ControlPlane({ region: emulator.region, credentials: emulator.credentials, endpoint: emulator.url });
    pageConfig = {
      mode: 'local',
      region: emulator.region,
      emulatorUrl: emulator.url,
      chatUrl: `${emulator.wsUrl}/chat`,
      // The emulator's public test credentials: they open nothing but this local emulator.
      onDeviceSigV4: { accessKeyId: emulator.credentials.accessKeyId, secretAccessKey: emulator.credentials.secretAccessKey },
    };
  } else {
    const credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
    controlPlane = new SigV4ControlPlane({ region: env.AWS_REGION, credentials });
    // Only the backend option: the credentials stay in this process.
    pageConfig = { mode: 'aws', region: env.AWS_REGION };
  }
  const handler = createControlPlaneHandler({ controlPlane, authorize });
  resolveBackend({ listener: toNodeListener(handler), pageConfig });
} catch (error) {
  rejectBackend(error);
  console.error('demo: could not start the backend:', error);
  await stop(1);
}

try {
  await vite.listen();
} catch (error) {
  const inUse = error instanceof Error && /already in use|EADDRINUSE/.test(error.message);
  console.error(inUse ? `demo: port ${port} is in use; pick another with --port <n> (0 = any free port).` : `demo: could not listen: ${error}`);
  await stop(1);
}
const address = vite.httpServer?.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
console.log(
  mode === 'local'
    ? `aws-ivs-realtime demo on ivs-local (offline emulator, region ${emulator.region}). Open ${url}  (Ctrl-C stops)`
    : `aws-ivs-realtime demo on AWS (region ${env.AWS_REGION}: stages and rooms you create are real and billed). Open ${url}  (Ctrl-C stops)`,
);
