/**
 * Helpers of the `beyond-*` specs (opt-in media features): they drive `window.harnessBeyond`
 * (tests/e2e/harness/beyond.ts) on harness pages opened with the suite's fixtures.
 */
import type { Page } from '@playwright/test';
import type { BeyondJoinOptions, BeyondResult, BeyondState } from './harness/beyond';
import { expect, type HarnessPage } from './fixtures';

export { test, expect } from './fixtures';

/** Throws with the page's error text when a harnessBeyond action failed. */
export function ok<T = unknown>(result: BeyondResult, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${result.error}`);
  return result.value as T;
}

/** A harness page's beyond API. */
export class Beyond {
  constructor(readonly harness: HarnessPage) {}

  get page(): Page {
    return this.harness.page;
  }

  async join(options: BeyondJoinOptions): Promise<void> {
    ok(await this.page.evaluate((o) => window.harnessBeyond.join(o), options), `${this.harness.name}: join`);
  }

  state(): Promise<BeyondState> {
    return this.page.evaluate(() => window.harnessBeyond.state());
  }

  async localId(): Promise<string> {
    const id = (await this.state()).participants.find((p) => p.isLocal)?.id;
    if (!id) throw new Error(`${this.harness.name}: no local participant`);
    return id;
  }

  /** Waits until this page sees `participantId` and its media keeps arriving. */
  async expectReceiving(participantId: string, timeout = 15_000, options: { audio?: boolean } = {}): Promise<void> {
    const audio = options.audio ?? true;
    const inbound = () => this.page.evaluate((id) => window.harnessBeyond.inbound(id), participantId);
    const before = await inbound();
    await expect
      .poll(
        async () => {
          const now = await inbound();
          return (!audio || now.audioPackets - before.audioPackets >= 20) && now.framesDecoded - before.framesDecoded >= 10;
        },
        { message: `${this.harness.name}: ${audio ? 'audio packets and ' : ''}video frames from ${participantId} advance`, timeout },
      )
      .toBe(true);
  }

  async dispose(): Promise<void> {
    await this.page.evaluate(() => window.harnessBeyond.dispose()).catch(() => {});
  }
}
