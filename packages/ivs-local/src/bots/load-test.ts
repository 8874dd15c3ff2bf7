/**
 * `runLoadTest()`: P bots publish into a stage and S Node viewers subscribe to every one of them
 * (WHEP), for a while; the report gives, per subscriber, the received frame rate against the
 * source's, bitrate, packet loss, freezes, join and first-frame times, and ivs-local's CPU and RSS.
 */
import { readFileSync } from 'node:fs';
import { CreateParticipantTokenCommand, CreateStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { resolveEndpoint, startBots, type LocalEndpoint } from './bots';
import { botMedia } from './media-source';
import { WhepViewer } from './whep-viewer';

export interface LoadTestOptions extends LocalEndpoint {
  publishers: number;
  subscribers: number;
  durationSeconds: number;
  /** An existing stage; default: a new one. */
  stageArn?: string;
  /** Fail when a subscriber's lowest stream frame rate is below this share of the source's. Default 0.9. */
  minFpsRatio?: number;
  /** ivs-local's process id, to report its CPU and RSS (Linux `/proc`). */
  serverPid?: number;
  /** Called about once a second with a progress line. */
  onProgress?: (line: string) => void;
}

export interface SubscriberReport {
  subscriber: number;
  /** Events socket open → welcome (ms). */
  joinMs: number;
  /** WHEP POST → first complete frame, slowest of its streams (ms). */
  firstFrameMs: number | null;
  /** Streams received (one per publisher). */
  streams: number;
  /** Lowest received frame rate over its streams (fps). */
  minFps: number;
  /** `minFps` / source frame rate. */
  fpsRatio: number;
  /** Sum over its streams (kbit/s). */
  kbps: number;
  packetsLost: number;
  lossPercent: number;
  freezes: number;
}

export interface LoadTestReport {
  stageArn: string;
  publishers: number;
  subscribers: number;
  durationSeconds: number;
  sourceFps: number;
  subscriberReports: SubscriberReport[];
  /** ivs-local's CPU (% of one core) over the measured window and RSS at its end; null when unknown. */
  server: { cpuPercent: number | null; rssMiB: number | null };
  minFpsRatio: number;
  /** What missed a threshold (empty when everything passed). */
  failures: string[];
}

/** Thrown for bad options (what was wrong and what to do). */
export class LoadTestOptionsError extends Error {
  override name = 'LoadTestOptionsError';
}

function checkOptions(options: LoadTestOptions): void {
  const int = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new LoadTestOptionsError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}.`);
    }
  };
  int('publishers', options.publishers, 1, 12);
  int('subscribers', options.subscribers, 0, 200);
  if (!(options.durationSeconds > 0 && options.durationSeconds <= 3600)) {
    throw new LoadTestOptionsError(`duration must be a number of seconds from 1 to 3600, got ${String(options.durationSeconds)}.`);
  }
  const ratio = options.minFpsRatio ?? 0.9;
  // Above 1 can never be met: a way to check that a CI step fails on a miss.
  if (!(ratio >= 0 && ratio <= 10)) throw new LoadTestOptionsError(`min-fps-ratio must be between 0 and 10 (0.9: 90 % of the source's rate), got ${String(ratio)}.`);
}

/** CPU seconds and RSS of a process, from `/proc` (Linux); undefined elsewhere. */
export function processUsage(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime), counted from the state field (3): indexes 11 and 12; USER_HZ is 100 on Linux.
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSeconds, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
  } catch {
    return undefined;
  }
}

export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestReport> {
  checkOptions(options);
  const minFpsRatio = options.minFpsRatio ?? 0.9;
  const { endpoint, region, credentials } = resolveEndpoint(options);
  const client = new IVSRealTimeClient({ endpoint, region, credentials, maxAttempts: 1 });
  const viewers: WhepViewer[] = [];
  let bots: Awaited<ReturnType<typeof startBots>> | undefined;
  try {
    const stageArn = options.stageArn ?? (await client.send(new CreateStageCommand({ name: `load-test-${Date.now()}` }))).stage!.arn!;
    const stageId = stageArn.split('/').pop()!;
    bots = await startBots({ endpoint, region, credentials, stageArn, count: options.publishers, userIdPrefix: 'load-bot' });
    for (let i = 0; i < options.subscribers; i++) {
      const { participantToken } = await client.send(
        new CreateParticipantTokenCommand({ stageArn, userId: `load-viewer-${i + 1}`, capabilities: ['SUBSCRIBE'] }),
      );
      viewers.push(await joinWithRetries({ url: endpoint, stageId, token: participantToken!.token! }));
    }
    const sourceFps = (await botMedia()).videoFps;
    const before = options.serverPid ? processUsage(options.serverPid) : undefined;
    const started = performance.now();
    const end = started + options.durationSeconds * 1000;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(end - performance.now(), 0))));
      const streams = viewers.flatMap((v) => v.streams);
      const receiving = streams.filter((s) => s.frames > 0).length;
      const minFps = streams.length > 0 ? Math.min(...streams.map((s) => s.fps())) : 0;
      const elapsed = Math.min((performance.now() - started) / 1000, options.durationSeconds);
      options.onProgress?.(
        `[${elapsed.toFixed(0).padStart(3)}/${options.durationSeconds} s] ${options.publishers} publishers → ${viewers.length} subscribers: ` +
          `${receiving}/${options.publishers * viewers.length} streams receiving, lowest ${minFps.toFixed(1)} fps`,
      );
    }
    const after = options.serverPid ? processUsage(options.serverPid) : undefined;
    const windowSeconds = (performance.now() - started) / 1000;
    const subscriberReports = viewers.map((viewer, index): SubscriberReport => {
      const streams = viewer.streams;
      const minFps = streams.length === options.publishers ? Math.min(...streams.map((s) => s.fps())) : 0;
      const received = streams.reduce((n, s) => n + s.packetsReceived, 0);
      const lost = streams.reduce((n, s) => n + s.packetsLost, 0);
      const firstFrames = streams.map((s) => s.firstFrameMs);
      return {
        subscriber: index + 1,
        joinMs: Math.round(viewer.joinMs),
        firstFrameMs: firstFrames.length > 0 && firstFrames.every((f) => f !== undefined) ? Math.round(Math.max(...(firstFrames as number[]))) : null,
        streams: streams.filter((s) => s.frames > 0).length,
        minFps: round(minFps, 1),
        fpsRatio: round(minFps / sourceFps, 3),
        kbps: Math.round(streams.reduce((n, s) => n + s.kbps(), 0)),
        packetsLost: lost,
        lossPercent: round(received + lost > 0 ? (100 * lost) / (received + lost) : 0, 2),
        freezes: streams.reduce((n, s) => n + s.freezes, 0),
      };
    });
    const failures = subscriberReports
      .filter((r) => r.fpsRatio < minFpsRatio)
      .map((r) => `subscriber ${r.subscriber}: lowest stream at ${r.minFps} fps = ${r.fpsRatio} of the source's ${sourceFps} fps (< ${minFpsRatio})`);
    return {
      stageArn,
      publishers: options.publishers,
      subscribers: options.subscribers,
      durationSeconds: options.durationSeconds,
      sourceFps,
      subscriberReports,
      server: {
        cpuPercent: before && after ? round((100 * (after.cpuSeconds - before.cpuSeconds)) / windowSeconds, 1) : null,
        rssMiB: after ? round(after.rssBytes / 2 ** 20, 1) : null,
      },
      minFpsRatio,
      failures,
    };
  } finally {
    await Promise.all(viewers.map((v) => v.close()));
    await bots?.stop();
    client.destroy();
  }
}

/**
 * Joins a viewer, trying again (up to 3 times) when its socket is dropped while joining: on a
 * saturated machine the load generator's own event loop can miss ivs-local's heartbeat.
 */
async function joinWithRetries(options: Parameters<typeof WhepViewer.join>[0]): Promise<WhepViewer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await WhepViewer.join(options);
    } catch (error) {
      if (attempt >= 3 || !/closed \(1006\)/.test((error as Error).message)) throw error;
    }
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The report as a table for people. */
export function formatLoadTestReport(report: LoadTestReport): string {
  const header = ['sub', 'join ms', 'first frame ms', 'streams', 'min fps', 'ratio', 'kbit/s', 'lost', 'loss %', 'freezes'];
  const rows = report.subscriberReports.map((r) => [
    String(r.subscriber),
    String(r.joinMs),
    r.firstFrameMs === null ? '—' : String(r.firstFrameMs),
    `${r.streams}/${report.publishers}`,
    r.minFps.toFixed(1),
    r.fpsRatio.toFixed(3),
    String(r.kbps),
    String(r.packetsLost),
    r.lossPercent.toFixed(2),
    String(r.freezes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  const cpu = report.server.cpuPercent === null ? 'n/a' : `${report.server.cpuPercent} % of one core`;
  const rss = report.server.rssMiB === null ? 'n/a' : `${report.server.rssMiB} MiB`;
  return [
    `load test: ${report.publishers} publishers → ${report.subscribers} subscribers for ${report.durationSeconds} s on ${report.stageArn}`,
    `source: ${report.sourceFps} fps H.264 + Opus per publisher; threshold: every stream ≥ ${report.minFpsRatio} of the source's frame rate`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `ivs-local: CPU ${cpu}, RSS ${rss}`,
    report.failures.length === 0 ? 'result: PASS' : `result: FAIL\n  ${report.failures.join('\n  ')}`,
  ].join('\n');
}
