/**
 * The `ivs-local bots` and `ivs-local load-test` subcommands (loaded by `src/bin/ivs-local.ts` only
 * when one of them is asked for).
 *
 * Exit codes: 0 done (load test: every threshold met), 1 a threshold missed or a failure, 2 bad arguments.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { BotsOptionsError, startBots } from './bots';
import { formatLoadTestReport, LoadTestOptionsError, runLoadTest } from './load-test';

const BOTS_HELP = `ivs-local bots — publish synthetic participants into a stage through plain WHIP

Usage: ivs-local bots --stage <arn> [--count N] [--audio-only] [--simulcast] [--duration s] [--endpoint url]

  --stage <arn>       the stage (CreateStage's stage.arn)
  --count <n>         how many bots, 1–12 (default 1); userIds bot-1 …, displayName "Bot 1" …
  --audio-only        publish the beep only (the offer still carries H.264 video, as IVS requires)
  --simulcast         publish the video as 3 simulcast layers: low 160x120, mid 240x180, high 320x240
  --duration <s>      stop after s seconds (default: until Ctrl+C)
  --endpoint <url>    ivs-local's URL (default $IVS_LOCAL_URL, else http://127.0.0.1:4590)

Each bot sends a looped H.264 test pattern (moving bars and a running counter, 320x240, 15 fps) and
an Opus beep, pre-encoded (no encoder runs).`;

const LOAD_HELP = `ivs-local load-test — publishers and subscribers on loopback, with figures

Usage: ivs-local load-test --publishers P --subscribers S --duration s [--json] [--stage arn]
                           [--min-fps-ratio 0.9] [--endpoint url]

  --publishers <n>      bots publishing (1–12)
  --subscribers <n>     Node WHEP viewers, each subscribed to every publisher
  --duration <s>        measured seconds
  --json                print the report as JSON (default: a table)
  --stage <arn>         use this stage (default: a new one)
  --min-fps-ratio <r>   exit 1 when any stream's frame rate is below r × the source's (default 0.9)
  --endpoint <url>      an ivs-local that is already running (default: one is started for the test,
                        so its CPU and RSS can be reported)`;

function usage(message: string, help: string): number {
  process.stderr.write(`ivs-local: ${message}\n\n${help}\n`);
  return 2;
}

function number(text: string | undefined, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

/** Starts an ivs-local child on a free loopback port; resolves with its URL once it listens. */
function startChildIvsLocal(): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /ivs-local\b[^\n]*? listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({ url: match[1]!, child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += String(chunk)));
    child.once('exit', (code) => reject(new Error(`ivs-local exited (${String(code)}) before listening: ${output.slice(0, 500)}`)));
    child.once('error', reject);
  });
}

export async function runBotsCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        stage: { type: 'string' },
        count: { type: 'string' },
        'audio-only': { type: 'boolean' },
        simulcast: { type: 'boolean' },
        duration: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usage((error as Error).message, BOTS_HELP);
  }
  if (values.help) {
    process.stdout.write(`${BOTS_HELP}\n`);
    return 0;
  }
  if (!values.stage) return usage('--stage <arn> is required.', BOTS_HELP);
  const duration = number(values.duration);
  if (duration !== undefined && !(duration > 0)) return usage(`--duration must be a number of seconds > 0, got "${values.duration}".`, BOTS_HELP);
  try {
    const bots = await startBots({
      stageArn: values.stage,
      count: number(values.count, 1)!,
      audioOnly: values['audio-only'] ?? false,
      simulcast: values.simulcast ?? false,
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    });
    for (const bot of bots.bots) process.stdout.write(`${bot.userId} (${bot.displayName}) publishing as ${bot.participantId}: ${bot.location}\n`);
    await new Promise<void>((resolve) => {
      const timer = duration === undefined ? undefined : setTimeout(resolve, duration * 1000);
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await bots.stop();
    process.stdout.write(`bots stopped (${bots.bots.map((b) => `${b.userId}: ${b.framesSent} frames`).join(', ')})\n`);
    return 0;
  } catch (error) {
    if (error instanceof BotsOptionsError) return usage(error.message, BOTS_HELP);
    process.stderr.write(`ivs-local bots: ${(error as Error).message}\n`);
    return 1;
  }
}

export async function runLoadTestCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        publishers: { type: 'string' },
        subscribers: { type: 'string' },
        duration: { type: 'string' },
        json: { type: 'boolean' },
        stage: { type: 'string' },
        'min-fps-ratio': { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usage((error as Error).message, LOAD_HELP);
  }
  if (values.help) {
    process.stdout.write(`${LOAD_HELP}\n`);
    return 0;
  }
  for (const required of ['publishers', 'subscribers', 'duration'] as const) {
    if (values[required] === undefined) return usage(`--${required} is required.`, LOAD_HELP);
  }
  let child: ChildProcess | undefined;
  try {
    let endpoint = values.endpoint;
    if (!endpoint) {
      const started = await startChildIvsLocal();
      child = started.child;
      endpoint = started.url;
    }
    const progress = !values.json && process.stderr.isTTY;
    const report = await runLoadTest({
      endpoint,
      publishers: number(values.publishers)!,
      subscribers: number(values.subscribers)!,
      durationSeconds: number(values.duration)!,
      ...(values.stage ? { stageArn: values.stage } : {}),
      ...(values['min-fps-ratio'] !== undefined ? { minFpsRatio: number(values['min-fps-ratio'])! } : {}),
      ...(child?.pid ? { serverPid: child.pid } : {}),
      onProgress: (line) => {
        if (progress) process.stderr.write(`\r${line}`);
        else if (!values.json) process.stderr.write(`${line}\n`);
      },
    });
    if (progress) process.stderr.write('\n');
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatLoadTestReport(report)}\n`);
    return report.failures.length === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof LoadTestOptionsError || error instanceof BotsOptionsError) return usage(error.message, LOAD_HELP);
    process.stderr.write(`ivs-local load-test: ${(error as Error).message}\n`);
    return 1;
  } finally {
    child?.kill('SIGTERM');
  }
}
