/**
 * Fixtures of the end-to-end suite: a control-plane client (the real AWS SDK v3 `IVSRealTimeClient`
 * pointed at ivs-local), a fresh stage per test, and `HarnessPage`s, each a Chromium page running
 * the harness application.
 */
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import {
  CreateParticipantTokenCommand,
  CreateStageCommand,
  DeleteStageCommand,
  DeletePublicKeyCommand,
  DisconnectParticipantCommand,
  GetStageCommand,
  ImportPublicKeyCommand,
  IVSRealTimeClient,
  type ParticipantTokenCapability,
} from '@aws-sdk/client-ivs-realtime';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type {
  HarnessError,
  HarnessEvent,
  HarnessGridOptions,
  HarnessGridPages,
  HarnessJoinOptions,
  HarnessParticipant,
  HarnessInbound,
  HarnessResult,
  HarnessSessionOptions,
  HarnessSnapshot,
  HarnessStats,
  HarnessTile,
} from './harness/api';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through scripts/e2e.sh (global setup sets it).`);
  return value;
}

/** A minted participant token. */
export interface MintedToken {
  token: string;
  participantId: string;
  userId: string;
}

/** A stage created for one test (deleted afterwards). */
export class TestStage {
  constructor(
    readonly client: IVSRealTimeClient,
    readonly arn: string,
  ) {}

  /** CreateParticipantToken through the AWS SDK. */
  async token(options: { userId: string; capabilities?: ParticipantTokenCapability[]; duration?: number }): Promise<MintedToken> {
    const out = await this.client.send(
      new CreateParticipantTokenCommand({
        stageArn: this.arn,
        userId: options.userId,
        capabilities: options.capabilities ?? ['PUBLISH', 'SUBSCRIBE'],
        ...(options.duration === undefined ? {} : { duration: options.duration }),
      }),
    );
    const token = out.participantToken?.token;
    const participantId = out.participantToken?.participantId;
    if (!token || !participantId) throw new Error('CreateParticipantToken returned no token');
    return { token, participantId, userId: options.userId };
  }

  #signingKey: Promise<{ arn: string; privateKey: KeyObject }> | undefined;

  /**
   * A self-signed participant token, made the way IVS documents it: a P-384 key pair generated
   * here, its public half imported with ImportPublicKey (once per stage), an ES384 JWT with the IVS
   * claims (`whip_url` / `events_url` from GetStage) and `kid` = the public key ARN. Unlike
   * CreateParticipantToken it can keep a participant id (`jti`): what `exchangeToken` takes.
   */
  async selfSignedToken(options: { userId: string; participantId?: string; capabilities?: ParticipantTokenCapability[] }): Promise<MintedToken> {
    this.#signingKey ??= (async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      const material = publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const out = await this.client.send(new ImportPublicKeyCommand({ publicKeyMaterial: material, name: 'e2e' }));
      if (!out.publicKey?.arn) throw new Error('ImportPublicKey returned no ARN');
      return { arn: out.publicKey.arn, privateKey };
    })();
    const key = await this.#signingKey;
    const endpoints = (await this.client.send(new GetStageCommand({ arn: this.arn }))).stage?.endpoints;
    if (!endpoints?.whip || !endpoints.events) throw new Error('GetStage returned no endpoints');
    const capabilities = options.capabilities ?? ['PUBLISH', 'SUBSCRIBE'];
    const participantId = options.participantId ?? randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      resource: this.arn,
      topic: this.arn.split('/').pop(),
      events_url: endpoints.events,
      whip_url: endpoints.whip,
      capabilities: { allow_publish: capabilities.includes('PUBLISH'), allow_subscribe: capabilities.includes('SUBSCRIBE') },
      user_id: options.userId,
      version: '1.0',
    })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: key.arn })
      .setJti(participantId)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key.privateKey);
    return { token, participantId, userId: options.userId };
  }

  async delete(): Promise<void> {
    const key = this.#signingKey;
    this.#signingKey = undefined;
    if (key) await this.client.send(new DeletePublicKeyCommand({ arn: (await key).arn })).catch(() => {});
    await this.client.send(new DeleteStageCommand({ arn: this.arn }));
  }

  async disconnect(participantId: string, reason?: string): Promise<void> {
    await this.client.send(new DisconnectParticipantCommand({ stageArn: this.arn, participantId, ...(reason ? { reason } : {}) }));
  }
}

/**
 * Returns `token` with some claims replaced and the original signature kept: the result decodes
 * fine but is no longer validly signed (a forged token), unless only client-side checks apply.
 */
export function withClaims(token: string, patch: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || signature === undefined) throw new Error('not a JWT');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, ...patch }), 'utf8').toString('base64url');
  return `${header}.${forged}.${signature}`;
}

/** Throws with the SDK error's details when a harness action failed. */
export function expectOk(result: HarnessResult, what: string): void {
  if (!result.ok) {
    const e = result.error;
    throw new Error(`${what} failed: ${e.name} (${e.code ?? 'no code'}${e.reason ? `, ${e.reason}` : ''}): ${e.message}`);
  }
}

/** The error of a failed action; throws if it succeeded. */
export function failure(result: HarnessResult, what: string): HarnessError {
  if (result.ok) throw new Error(`${what} succeeded, but it was expected to fail`);
  return result.error;
}

/** One Chromium page running the harness application. */
export class HarnessPage {
  readonly pageErrors: string[] = [];

  private constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    page.on('pageerror', (error) => this.pageErrors.push(`${error.name}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.pageErrors.push(`console: ${message.text()}`);
    });
  }

  static async open(context: BrowserContext, name: string): Promise<HarnessPage> {
    const page = await context.newPage();
    const harness = new HarnessPage(page, name);
    await page.goto(env('E2E_HARNESS_URL'));
    // Poll by time, not animation frames: a page in the background paints rarely.
    await page.waitForFunction(() => document.documentElement.dataset['harness'] === 'ready', undefined, { polling: 50, timeout: 15_000 });
    return harness;
  }

  join(options: HarnessJoinOptions): Promise<HarnessResult> {
    return this.page.evaluate((o) => window.harness.join(o), options);
  }

  /** Creates the page's StageSession with these options (before `join` / `joinWithGrid`); throws if that fails. */
  async createSession(options: HarnessSessionOptions): Promise<void> {
    expectOk(await this.page.evaluate((o) => window.harness.createSession(o), options), `${this.name}: createSession`);
  }

  /** `grid.pin(participantId)` (`undefined`: `unpin()`); throws if that fails. */
  async pin(participantId: string | undefined): Promise<void> {
    expectOk(await this.page.evaluate((id) => window.harness.pinInGrid(id), participantId), `${this.name}: pin(${participantId ?? ''})`);
  }

  sendInBandMessage(text: string, repeatCount?: number): Promise<HarnessResult> {
    return this.page.evaluate(([t, r]) => window.harness.sendInBandMessage(t, r), [text, repeatCount] as const);
  }

  /** The inbound-rtp figures of `participantId`'s video as this page receives it (`undefined` before it does). */
  async inboundVideo(participantId: string): Promise<HarnessInbound | undefined> {
    const [snap, stats] = await Promise.all([this.snapshot(), this.stats()]);
    const trackId = snap.participants.find((p) => p.id === participantId)?.videoTrackId;
    return trackId === undefined ? undefined : stats.inbound.find((s) => s.kind === 'video' && s.trackId === trackId);
  }

  /** Mounts the grid (with `grid` as its StageGrid options) and joins; throws if the join fails. */
  async joinWithGrid(options: HarnessJoinOptions, grid?: HarnessGridOptions): Promise<void> {
    expectOk(await this.page.evaluate((o) => window.harness.mountGrid(o), grid), `${this.name}: mountGrid`);
    expectOk(await this.join(options), `${this.name}: join`);
  }

  /** The grid's current page, page count and pager state. */
  async gridPages(): Promise<HarnessGridPages> {
    const pages = await this.page.evaluate(() => window.harness.gridPages());
    if (!pages) throw new Error(`${this.name}: no grid is mounted`);
    return pages;
  }

  setGridPage(page: number): Promise<HarnessResult> {
    return this.page.evaluate((p) => window.harness.setGridPage(p), page);
  }

  /** Goes to the next page the way a keyboard user does: focus the pager's next button, press Enter. */
  async pressNextPage(): Promise<void> {
    await this.page.locator('.ivs-grid__next').press('Enter');
  }

  leave(): Promise<HarnessResult> {
    return this.page.evaluate(() => window.harness.leave());
  }

  dispose(): Promise<HarnessResult> {
    return this.page.evaluate(() => window.harness.dispose());
  }

  setMuted(muted: { audio?: boolean; video?: boolean }): Promise<HarnessResult> {
    return this.page.evaluate((m) => window.harness.setMuted(m), muted);
  }

  setPublishing(on: boolean): Promise<HarnessResult> {
    return this.page.evaluate((o) => window.harness.setPublishing(o), on);
  }

  exchangeToken(token: string): Promise<HarnessResult> {
    return this.page.evaluate((t) => window.harness.exchangeToken(t), token);
  }

  probeWhipPublish(token: string): Promise<{ status: number; body: string }> {
    return this.page.evaluate((t) => window.harness.probeWhipPublish(t), token);
  }

  snapshot(): Promise<HarnessSnapshot> {
    return this.page.evaluate(() => window.harness.snapshot());
  }

  stats(): Promise<HarnessStats> {
    return this.page.evaluate(() => window.harness.stats());
  }

  async participant(id: string): Promise<HarnessParticipant | undefined> {
    return (await this.snapshot()).participants.find((p) => p.id === id);
  }

  async tile(participantId: string): Promise<HarnessTile | undefined> {
    return (await this.snapshot()).tiles.find((t) => t.participantId === participantId);
  }

  async events(type?: string): Promise<HarnessEvent[]> {
    const all = (await this.snapshot()).events;
    return type === undefined ? all : all.filter((e) => e.type === type);
  }

  /**
   * Media flowing from `participantId` into this page, as counters: frames presented by its tile,
   * frames decoded and audio packets received for its tracks.
   */
  async mediaFrom(participantId: string): Promise<{ framesPresented: number; framesDecoded: number; audioPackets: number; width: number }> {
    const [snap, stats] = await Promise.all([this.snapshot(), this.stats()]);
    const p = snap.participants.find((x) => x.id === participantId);
    const tile = snap.tiles.find((t) => t.participantId === participantId);
    const video = stats.inbound.find((s) => s.kind === 'video' && p?.videoTrackId !== undefined && s.trackId === p.videoTrackId);
    const audio = stats.inbound.find((s) => s.kind === 'audio' && p?.audioTrackId !== undefined && s.trackId === p.audioTrackId);
    return {
      framesPresented: tile?.framesPresented ?? 0,
      framesDecoded: video?.framesDecoded ?? 0,
      audioPackets: audio?.packetsReceived ?? 0,
      width: tile?.videoWidth ?? 0,
    };
  }

  /**
   * Makes this the foreground page. Headless Chromium paints background pages about once a second,
   * so frames *presented* (not decoded) are only counted at full rate in the foreground page, as
   * for a user, who sees one tab at a time.
   */
  async bringToFront(): Promise<void> {
    await this.page.bringToFront();
  }

  /** Waits until video frames and audio packets from `participantId` keep arriving (both advance). */
  async expectMediaFlowing(participantId: string, options: { frames?: number; packets?: number; timeout?: number } = {}): Promise<void> {
    await this.bringToFront();
    const frames = options.frames ?? 10;
    const packets = options.packets ?? 20;
    const timeout = options.timeout ?? 15_000;
    await expect
      .poll(async () => (await this.mediaFrom(participantId)).framesPresented, {
        message: `${this.name}: first frames of ${participantId}'s tile`,
        timeout,
      })
      .toBeGreaterThan(0);
    const before = await this.mediaFrom(participantId);
    await expect
      .poll(
        async () => {
          const now = await this.mediaFrom(participantId);
          return {
            framesPresented: now.framesPresented - before.framesPresented >= frames,
            framesDecoded: now.framesDecoded - before.framesDecoded >= frames,
            audioPackets: now.audioPackets - before.audioPackets >= packets,
          };
        },
        { message: `${this.name}: video frames and audio packets from ${participantId} advance`, timeout },
      )
      .toEqual({ framesPresented: true, framesDecoded: true, audioPackets: true });
  }
}

/**
 * The common cast: a host that publishes, then two SUBSCRIBE-only viewers (`viewer-1`, `viewer-2`),
 * each on its own harness page with a grid mounted.
 */
export async function hostWithTwoViewers(
  stage: TestStage,
  openHarness: (name: string) => Promise<HarnessPage>,
): Promise<{ hostToken: MintedToken; host: HarnessPage; viewers: HarnessPage[] }> {
  const hostToken = await stage.token({ userId: 'host' });
  const host = await openHarness('host');
  await host.joinWithGrid({ token: hostToken.token, publish: true });
  const viewers = [await openHarness('viewer-1'), await openHarness('viewer-2')];
  for (const viewer of viewers) {
    await viewer.joinWithGrid({ token: (await stage.token({ userId: viewer.name, capabilities: ['SUBSCRIBE'] })).token, publish: false });
  }
  return { hostToken, host, viewers };
}

interface Fixtures {
  control: IVSRealTimeClient;
  stage: TestStage;
  /** Opens a harness page (in this test's browser context). */
  openHarness: (name: string) => Promise<HarnessPage>;
}

export const test = base.extend<Fixtures>({
  control: async ({}, use) => {
    const client = new IVSRealTimeClient({
      endpoint: env('E2E_IVS_URL'),
      region: env('E2E_IVS_REGION'),
      credentials: { accessKeyId: env('E2E_IVS_ACCESS_KEY_ID'), secretAccessKey: env('E2E_IVS_SECRET_ACCESS_KEY') },
      maxAttempts: 1,
    });
    await use(client);
    client.destroy();
  },

  stage: async ({ control }, use, testInfo) => {
    const name = `e2e-${testInfo.testId}`.replace(/[^a-zA-Z0-9-_]/g, '-').slice(0, 128);
    const out = await control.send(new CreateStageCommand({ name }));
    const arn = out.stage?.arn;
    if (!arn) throw new Error('CreateStage returned no stage ARN');
    const stage = new TestStage(control, arn);
    await use(stage);
    await stage.delete().catch(() => {}); // Some tests delete it themselves.
  },

  openHarness: async ({ context }, use, testInfo) => {
    const pages: HarnessPage[] = [];
    await use(async (name) => {
      const page = await HarnessPage.open(context, name);
      pages.push(page);
      return page;
    });
    for (const page of pages) {
      if (page.pageErrors.length > 0) {
        await testInfo.attach(`${page.name}-page-errors`, { body: page.pageErrors.join('\n'), contentType: 'text/plain' });
        if (testInfo.status !== testInfo.expectedStatus) console.log(`[${page.name}] page errors:\n  ${page.pageErrors.join('\n  ')}`);
      }
      await page.dispose().catch(() => {});
    }
  },
});

export { expect };
