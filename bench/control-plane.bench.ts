/**
 * ivs-local control-plane throughput: CreateParticipantToken requests per second through the real
 * `IVSRealTimeClient` (SigV4 signed by the SDK, verified by ivs-local, ES384 token minted), with
 * `concurrency` clients each keeping one request in flight for `durationMs`.
 *
 * Then the same number of clients POST a JSON body of the same size to a bare node:http server that
 * echoes it back (plain `fetch`, no signing): the floor of an HTTP round trip in this Node process.
 * Both run in the same process, one after the other, after a short warm-up each.
 *
 * Prints nothing; returns the figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { CreateParticipantTokenCommand, CreateStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { startLocalIvs } from '../packages/ivs-local/src/server';

export interface ControlPlaneBenchOptions {
  /** Concurrent clients, each with one request in flight. Default 20. */
  concurrency?: number;
  /** Measured time per target. Default 5 000 ms. */
  durationMs?: number;
  /** Unmeasured warm-up per target. Default 500 ms. */
  warmupMs?: number;
}

export interface ThroughputFigures {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

export interface ControlPlaneBenchResult {
  concurrency: number;
  durationMs: number;
  /** CreateParticipantToken through IVSRealTimeClient against ivs-local. */
  emulator: ThroughputFigures;
  /** fetch POST to a bare node:http echo server. */
  baseline: ThroughputFigures;
  /** emulator req/s ÷ baseline req/s. */
  throughputRatio: number;
  /** IVS's own quota for CreateParticipantToken (50 TPS): the emulator should be far above it. */
  awsQuotaTps: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

async function drive(
  concurrency: number,
  warmupMs: number,
  durationMs: number,
  call: (worker: number) => Promise<void>,
): Promise<ThroughputFigures> {
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stopAt = Date.now() + warmupMs;
  const phase = async () => {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        while (Date.now() < stopAt) {
          const started = performance.now();
          try {
            await call(worker);
            if (measuring) latencies.push(performance.now() - started);
          } catch {
            if (measuring) errors++;
          }
        }
      }),
    );
  };
  await phase();
  measuring = true;
  const began = performance.now();
  stopAt = Date.now() + durationMs;
  await phase();
  const elapsed = performance.now() - began;
  latencies.sort((a, b) => a - b);
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    requests: latencies.length,
    errors,
    requestsPerSecond: Math.round((latencies.length / elapsed) * 1000),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    meanMs: Number((latencies.length ? sum / latencies.length : 0).toFixed(2)),
    maxMs: Number((latencies.at(-1) ?? 0).toFixed(2)),
  };
}

/** Runs the benchmark: emulator first, then the echo baseline. */
export async function runControlPlaneBench(options: ControlPlaneBenchOptions = {}): Promise<ControlPlaneBenchResult> {
  const concurrency = options.concurrency ?? 20;
  const durationMs = options.durationMs ?? 5_000;
  const warmupMs = options.warmupMs ?? 500;

  const ivs = await startLocalIvs({ modules: [] });
  const clients = Array.from(
    { length: concurrency },
    () => new IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials, maxAttempts: 1 }),
  );
  let emulator: ThroughputFigures;
  let bodySize: number;
  try {
    const { stage } = await clients[0]!.send(new CreateStageCommand({ name: 'bench' }));
    const input = { stageArn: stage!.arn!, userId: 'bench-user', capabilities: ['PUBLISH', 'SUBSCRIBE'] as ('PUBLISH' | 'SUBSCRIBE')[] };
    bodySize = JSON.stringify(input).length;
    emulator = await drive(concurrency, warmupMs, durationMs, async (worker) => {
      const { participantToken } = await clients[worker]!.send(new CreateParticipantTokenCommand(input));
      if (!participantToken?.token) throw new Error('no token');
    });
  } finally {
    for (const client of clients) client.destroy();
    await ivs.close();
  }

  const echo: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;
  const payload = JSON.stringify({ pad: 'x'.repeat(Math.max(0, bodySize - 10)) });
  let baseline: ThroughputFigures;
  try {
    baseline = await drive(concurrency, warmupMs, durationMs, async () => {
      const res = await fetch(echoUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
      await res.text();
      if (!res.ok) throw new Error(`status ${res.status}`);
    });
  } finally {
    echo.closeAllConnections();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  }

  return {
    concurrency,
    durationMs,
    emulator,
    baseline,
    throughputRatio: Number((emulator.requestsPerSecond / Math.max(1, baseline.requestsPerSecond)).toFixed(3)),
    awsQuotaTps: 50,
  };
}

export interface DurableCreateStageResult {
  concurrency: number;
  durationMs: number;
  /** CreateStage with state in memory only. */
  inMemory: ThroughputFigures;
  /** CreateStage with `dataFile`: each 200 sent only once the stage is on disk (fsync, group commit). */
  durable: ThroughputFigures;
  /** durable req/s ÷ in-memory req/s. */
  throughputRatio: number;
  /** Stages in the data file at the end of the durable run (the snapshot each write serialises). */
  stagesAtEnd: number;
  /** IVS's own quota for CreateStage (5 TPS, like the other stage APIs but CreateParticipantToken). */
  awsQuotaTps: number;
}

async function createStageThroughput(concurrency: number, warmupMs: number, durationMs: number, dataFile: string | undefined): Promise<{ figures: ThroughputFigures; stages: number }> {
  const ivs = await startLocalIvs({ modules: [], ...(dataFile ? { dataFile } : {}) });
  const clients = Array.from(
    { length: concurrency },
    () => new IVSRealTimeClient({ endpoint: ivs.url, region: ivs.region, credentials: ivs.credentials, maxAttempts: 1 }),
  );
  let created = 0;
  try {
    const figures = await drive(concurrency, warmupMs, durationMs, async (worker) => {
      const { stage } = await clients[worker]!.send(new CreateStageCommand({ name: `bench-${worker}` }));
      if (!stage?.arn) throw new Error('no stage');
      created += 1;
    });
    return { figures, stages: created };
  } finally {
    for (const client of clients) client.destroy();
    await ivs.close();
  }
}

/**
 * CreateStage throughput with durable `--data` (every acknowledgement after fsync; concurrent writes
 * share one) against in-memory state, same clients, same run. Each durable write serialises the
 * whole state, so the figure also depends on how many stages exist: `stagesAtEnd` says how many.
 */
export async function runDurableCreateStageBench(options: ControlPlaneBenchOptions = {}): Promise<DurableCreateStageResult> {
  const concurrency = options.concurrency ?? 20;
  const durationMs = options.durationMs ?? 3_000;
  const warmupMs = options.warmupMs ?? 300;
  const inMemory = await createStageThroughput(concurrency, warmupMs, durationMs, undefined);
  const dir = await mkdtemp(join(tmpdir(), 'ivs-local-bench-'));
  let durable: { figures: ThroughputFigures; stages: number };
  try {
    durable = await createStageThroughput(concurrency, warmupMs, durationMs, join(dir, 'state.json'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    concurrency,
    durationMs,
    inMemory: inMemory.figures,
    durable: durable.figures,
    throughputRatio: Number((durable.figures.requestsPerSecond / Math.max(1, inMemory.figures.requestsPerSecond)).toFixed(3)),
    stagesAtEnd: durable.stages,
    awsQuotaTps: 5,
  };
}
