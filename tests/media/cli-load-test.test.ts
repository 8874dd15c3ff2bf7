/**
 * `ivs-local load-test` as users run it: the built CLI (packages/ivs-local/dist/bin/ivs-local.js), which starts its own
 * ivs-local child, publishes bots and subscribes Node WHEP viewers, inside the media tier's network
 * namespace.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LoadTestReport } from '../../packages/ivs-local/src/bots/load-test';

const CLI = 'packages/ivs-local/dist/bin/ivs-local.js';

function cli(args: string[], timeoutMs = 50_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: timeoutMs, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('ivs-local load-test (built CLI)', () => {
  it('needs the build', () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build first`).toBe(true);
  });

  it('--publishers 2 --subscribers 4 --duration 10 --json: every stream at ≥ 90 % of the source rate, no loss, CPU and RSS reported', async () => {
    const { code, stdout, stderr } = await cli(['load-test', '--publishers', '2', '--subscribers', '4', '--duration', '10', '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as LoadTestReport;
    console.log(JSON.stringify({ subscribers: report.subscriberReports, server: report.server }));
    expect(report).toMatchObject({ publishers: 2, subscribers: 4, durationSeconds: 10, sourceFps: 15, minFpsRatio: 0.9, failures: [] });
    expect(report.stageArn).toMatch(/^arn:aws:ivs:us-east-1:\d{12}:stage\//);
    expect(report.subscriberReports).toHaveLength(4);
    for (const sub of report.subscriberReports) {
      expect(sub.streams).toBe(2);
      expect(sub.fpsRatio).toBeGreaterThanOrEqual(0.9);
      expect(sub.minFps).toBeGreaterThanOrEqual(13.5);
      expect(sub.lossPercent).toBeLessThan(1);
      expect(sub.firstFrameMs).not.toBeNull();
      expect(sub.firstFrameMs!).toBeLessThan(5000);
      expect(sub.joinMs).toBeLessThan(3000);
      // Two publishers of ~300 kbit/s video + 32 kbit/s audio.
      expect(sub.kbps).toBeGreaterThan(200);
      expect(sub.kbps).toBeLessThan(2000);
    }
    expect(report.server.cpuPercent).toBeGreaterThan(0);
    expect(report.server.rssMiB).toBeGreaterThan(20);
  });

  it('exits 1 with the failures listed when a threshold is missed', async () => {
    // A ratio above 1 cannot be met: no subscriber receives more frames than the source sends.
    const { code, stdout } = await cli(['load-test', '--publishers', '1', '--subscribers', '1', '--duration', '3', '--min-fps-ratio', '2']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/result: FAIL/);
    expect(stdout).toMatch(/subscriber 1: lowest stream at [\d.]+ fps = [\d.]+ of the source's 15 fps \(< 2\)/);
  });

  it('exits 2 with a clear message for bad arguments', async () => {
    const missing = await cli(['load-test', '--publishers', '2']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--subscribers is required/);
    const tooMany = await cli(['load-test', '--publishers', '13', '--subscribers', '1', '--duration', '1']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/publishers must be an integer from 1 to 12, got 13/);
  });
});
