/**
 * The demo's live features beyond publish/mute/chat, driven as users drive them: the go-live
 * preview's microphone level meter (one camera/microphone prompt for preview and live), the
 * speaking highlight and network-quality readings in the grid, the spotlight layout and pins,
 * screen sharing (a second participant marked as the host's screen, its token minted by the
 * backend for the host only), device switching while live with an unplug notice, and the grid's
 * click-to-play button when the browser blocks autoplay.
 *
 * Runs after `demo.spec.ts` (file order) against the same demo server, and ends its live.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { demoUrl, openHostAndViewer, screenshot } from './support';

const HOST_NAME = 'Sam Speaker';
const VIEWER_NAME = 'Wren Watcher';
const TITLE = 'Show and tell';

test.describe.configure({ mode: 'serial' });

let hostContext: BrowserContext;
let viewerContext: BrowserContext;
let host: Page;
let viewer: Page;
const pageErrors: string[] = [];

/** Frames decoded so far by a tile's video. */
function frames(page: Page, tileSelector: string): Promise<number> {
  return page.locator(`${tileSelector} video`).evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames);
}

async function expectFramesAdvancing(page: Page, tileSelector: string): Promise<void> {
  await expect.poll(() => frames(page, tileSelector), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await frames(page, tileSelector);
  await expect.poll(() => frames(page, tileSelector), { timeout: 10_000 }).toBeGreaterThan(before + 5);
}

/** Samples `read` every 50 ms for `ms`. */
function sample<T>(page: Page, ms: number, read: () => T): Promise<T[]> {
  return page.evaluate(
    ([duration, source]) =>
      new Promise<T[]>((resolve) => {
        const fn = new Function(`return (${source})()`) as () => T;
        const values: T[] = [];
        const timer = setInterval(() => values.push(fn()), 50);
        setTimeout(() => (clearInterval(timer), resolve(values)), duration);
      }),
    [ms, read.toString()] as const,
  );
}

const remoteCamera = '.ivs-tile:not(.ivs-tile--local):not([data-screen-share])';
const screenTile = '.ivs-tile[data-screen-share="true"]';

test.beforeAll(async ({ browser }) => {
  ({ hostContext, viewerContext, host, viewer } = await openHostAndViewer(browser, pageErrors, async (context) => {
    // Count camera/microphone prompts: every getUserMedia call of the page.
    await context.addInitScript(() => {
      const original = MediaDevices.prototype.getUserMedia;
      (window as { __gum?: number }).__gum = 0;
      MediaDevices.prototype.getUserMedia = function getUserMedia(this: MediaDevices, constraints?: MediaStreamConstraints) {
        (window as { __gum?: number }).__gum! += 1;
        return original.call(this, constraints);
      };
    });
  }));
});

test.afterAll(async () => {
  await hostContext?.close();
  await viewerContext?.close();
});

test('the go-live preview shows a moving microphone level meter, and going live publishes the preview’s tracks (one camera/microphone request)', async () => {
  await host.goto(demoUrl());
  await host.getByLabel('Display name').fill(HOST_NAME);
  await host.getByLabel('Title').fill(TITLE);
  await host.getByRole('button', { name: 'Turn on camera and microphone' }).click();
  const meter = host.getByLabel('Microphone level');
  await expect(meter).toBeVisible();
  // The fake microphone beeps: the meter rises with each beep and falls in between.
  const levels = await sample(host, 2_000, () => (document.querySelector('meter') as HTMLMeterElement).value);
  expect(Math.max(...levels), `levels ${levels.map((l) => l.toFixed(2)).join(' ')}`).toBeGreaterThan(0.1);
  expect(Math.min(...levels)).toBeLessThan(Math.max(...levels) / 2);
  expect(new Set(levels.map((l) => l.toFixed(3))).size).toBeGreaterThan(3);
  await screenshot(host, 'beyond-preview');

  await host.getByRole('button', { name: 'Go live' }).click();
  await expect(host.getByRole('button', { name: 'Publish' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => frames(host, '.ivs-tile--local'), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(await host.evaluate(() => (window as { __gum?: number }).__gum)).toBe(1);
});

test('a viewer sees the host’s tile highlighted while the fake microphone beeps, not while it is muted, and a network-quality reading', async () => {
  await viewer.goto(demoUrl());
  await viewer.getByLabel('Display name').fill(VIEWER_NAME);
  await viewer.getByRole('button', { name: `Watch ${TITLE}` }).click();
  await expect(viewer.locator(`${remoteCamera} video`)).toHaveCount(1, { timeout: 30_000 });
  await expectFramesAdvancing(viewer, remoteCamera);

  const hostTile = viewer.locator(remoteCamera);
  await expect(hostTile).toHaveClass(/ivs-tile--speaking/, { timeout: 15_000 });
  // The host's own tile lights up too (from the microphone being sent).
  await expect(host.locator('.ivs-tile--local')).toHaveClass(/ivs-tile--speaking/, { timeout: 15_000 });
  // Network quality of what arrives from the host: a reading on the tile and in the People list.
  await expect(hostTile).toHaveAttribute('data-network-quality', 'good', { timeout: 15_000 });
  await expect(viewer.locator('.participant', { hasText: HOST_NAME })).toHaveAttribute('data-network-quality', 'good');

  const mic = host.getByRole('button', { name: 'Mute mic' });
  await mic.click();
  await expect(hostTile).not.toHaveClass(/ivs-tile--speaking/, { timeout: 5_000 });
  const whileMuted = await sample(viewer, 1_500, () => document.querySelector('.ivs-tile:not(.ivs-tile--local)')!.classList.contains('ivs-tile--speaking'));
  expect(whileMuted.filter(Boolean)).toEqual([]);
  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expect(hostTile).toHaveClass(/ivs-tile--speaking/, { timeout: 15_000 });
});

test('the layout toggles between grid and spotlight, and pinning a tile puts it in the spotlight until it is unpinned', async () => {
  const layout = viewer.getByRole('button', { name: 'Spotlight' });
  await expect(layout).toHaveAttribute('aria-pressed', 'false');
  await layout.click();
  await expect(layout).toHaveAttribute('aria-pressed', 'true');
  await expect(viewer.locator('.ivs-grid')).toHaveClass(/ivs-grid--spotlight/);
  await layout.click();
  await expect(viewer.locator('.ivs-grid')).not.toHaveClass(/ivs-grid--spotlight/);

  // The tile's own pin button, by keyboard (the pinned tile moves into the spotlight area).
  const pin = viewer.getByRole('button', { name: `Pin ${HOST_NAME}` });
  await pin.press('Enter');
  await expect(pin).toHaveAttribute('aria-pressed', 'true');
  await expect(viewer.locator(remoteCamera)).toHaveClass(/ivs-tile--pinned/);
  await expect(viewer.locator('.ivs-grid')).toHaveClass(/ivs-grid--spotlight/);
  await expect(layout).toHaveAttribute('aria-pressed', 'true');
  await pin.press('Enter');
  await expect(pin).toHaveAttribute('aria-pressed', 'false');
  await expect(viewer.locator('.ivs-grid')).not.toHaveClass(/ivs-grid--spotlight/);
  await expect(layout).toHaveAttribute('aria-pressed', 'false');
});

test('the host shares the screen: everyone sees a second tile marked as the host’s screen; the host pins it; stopping removes it', async () => {
  await expect(viewer.getByRole('button', { name: 'Share screen' })).toHaveCount(0);
  const share = host.getByRole('button', { name: 'Share screen' });
  await share.click();
  const stop = host.getByRole('button', { name: 'Stop sharing' });
  await expect(stop).toHaveAttribute('aria-pressed', 'true', { timeout: 15_000 });

  const atViewer = viewer.locator(screenTile);
  await expect(atViewer).toHaveCount(1, { timeout: 15_000 });
  await expect(atViewer.locator('.ivs-tile__name')).toHaveText(`${HOST_NAME}’s screen`);
  await expectFramesAdvancing(viewer, screenTile);
  await expectFramesAdvancing(viewer, remoteCamera); // The camera keeps flowing next to the screen.
  await expect(viewer.locator('.participant[data-screen-share="true"]')).toContainText('Shared screen');
  await expect(viewer.getByTestId('on-stage-count')).toHaveText('1'); // A screen is not a person.
  await expect(viewer.locator('.chat__messages')).toContainText(`${HOST_NAME} is sharing a screen.`);

  // The host pins its screen: the spotlight shows it large.
  await expect(host.locator(screenTile)).toHaveCount(1, { timeout: 15_000 });
  await host.getByRole('button', { name: `Pin ${HOST_NAME}’s screen` }).click();
  await expect(host.locator('.ivs-grid')).toHaveClass(/ivs-grid--spotlight/);
  await expect(host.locator(`.ivs-grid__main ${screenTile}`)).toHaveCount(1);
  await expect(host.getByRole('button', { name: 'Spotlight' })).toHaveAttribute('aria-pressed', 'true');
  await screenshot(host, 'beyond-screen-share');

  await stop.click();
  await expect(host.getByRole('button', { name: 'Share screen' })).toHaveAttribute('aria-pressed', 'false');
  await expect(atViewer).toHaveCount(0, { timeout: 15_000 });
  await expect(viewer.locator('.participant[data-screen-share]')).toHaveCount(0);
  await expect(viewer.locator('.chat__messages')).toContainText(`${HOST_NAME} stopped sharing the screen.`);
  // The pinned screen left: the host's grid is back to the grid layout.
  await expect(host.locator(screenTile)).toHaveCount(0, { timeout: 15_000 });
  await expect(host.locator('.ivs-grid')).not.toHaveClass(/ivs-grid--spotlight/);
});

test('the backend mints screen-share tokens for the stage’s host only', async () => {
  const stageArn = decodeURIComponent(new URL(host.url()).hash.replace(/^#\/live\//, ''));
  const mint = (page: Page, body: object) =>
    page.evaluate(async ([arn, input]) => {
      const response = await fetch(`/api/stages/${encodeURIComponent(arn)}/participant-tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      return response.status;
    }, [stageArn, body] as const);
  const viewerUserId = await viewer.evaluate(() => sessionStorage.getItem('ivs-demo.userId'));
  const hostUserId = await host.evaluate(() => sessionStorage.getItem('ivs-demo.userId'));
  // A viewer asking for a screen token, under its own or the host's screen id, is refused.
  expect(await mint(viewer, { userId: `${viewerUserId}/screen`, attributes: { screenShareOf: 'abc' }, capabilities: ['PUBLISH'] })).toBe(403);
  expect(await mint(viewer, { userId: `${viewerUserId}`, attributes: { role: 'host' } })).toBe(403);
  expect(await mint(viewer, { userId: `${hostUserId}/screen`, attributes: { screenShareOf: '<b>' }, capabilities: ['PUBLISH'] })).toBe(403);
  // The host's screen id with a proper owner id is accepted.
  expect(await mint(host, { userId: `${hostUserId}/screen`, attributes: { screenShareOf: 'abc' }, capabilities: ['PUBLISH'] })).toBe(201);
});

test('the host switches the microphone while live (same participant, the viewer keeps receiving), and is told when it is unplugged', async () => {
  const micSelect = host.getByRole('combobox', { name: 'Microphone' });
  await expect(micSelect).toBeEnabled();
  const options = await micSelect.locator('option').evaluateAll((list: HTMLOptionElement[]) => list.map((o) => ({ value: o.value, label: o.textContent ?? '' })));
  const other = options.find((o) => o.value !== 'default' && o.value !== 'communications' && o.label.includes('2'));
  expect(other, `a second fake microphone among ${options.map((o) => o.label).join(', ')}`).toBeDefined();
  const hostIdAtViewer = await viewer.locator(remoteCamera).getAttribute('data-participant-id');

  await micSelect.selectOption(other!.value);
  await expect(micSelect).toHaveValue(other!.value);
  await expect(micSelect).toBeEnabled();
  await expect(host.locator('.banner')).toBeHidden();
  // No republish: the viewer still shows the same participant, and the video keeps advancing.
  await expect(viewer.locator(remoteCamera)).toHaveAttribute('data-participant-id', hostIdAtViewer!);
  await expectFramesAdvancing(viewer, remoteCamera);

  // Unplug it (the device disappears from the list and the browser fires devicechange).
  await host.evaluate((id) => {
    const devices = navigator.mediaDevices;
    const list = devices.enumerateDevices.bind(devices);
    devices.enumerateDevices = async () => (await list()).filter((d) => d.deviceId !== id);
    devices.dispatchEvent(new Event('devicechange'));
  }, other!.value);
  await expect(host.locator('.banner')).toContainText('was disconnected. Switched to the default microphone.');
  await expect(micSelect).not.toHaveValue(other!.value);
  await expect(viewer.locator(remoteCamera)).toHaveAttribute('data-participant-id', hostIdAtViewer!);
});

test('when the browser blocks autoplay, a viewer whose live page opens without a click gets the grid’s click-to-play button', async ({ browser }) => {
  const stageArn = decodeURIComponent(new URL(host.url()).hash.replace(/^#\/live\//, ''));
  const context = await browser.newContext();
  try {
    await context.addInitScript((arn) => {
      // A returning viewer (name and role remembered, as in a restored tab): the live page joins at once.
      localStorage.setItem('ivs-demo.displayName', 'Nia Nogesture');
      sessionStorage.setItem(`ivs-demo.role:${arn}`, 'viewer');
      // Headless Chromium plays sound without a gesture whatever --autoplay-policy says, so the
      // policy of a desktop browser is applied here: unmuted media refuses to play until the user
      // has interacted with the page (a click or a key press).
      let interacted = false;
      for (const type of ['pointerdown', 'keydown']) addEventListener(type, (event) => (interacted ||= event.isTrusted), true);
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function playUnlessBlocked(this: HTMLMediaElement) {
        if (!this.muted && !interacted) {
          return Promise.reject(new DOMException('play() failed because the user didn’t interact with the document first.', 'NotAllowedError'));
        }
        return play.call(this);
      };
    }, stageArn);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`no-gesture viewer: ${error.message}`));
    await page.goto(`${demoUrl()}#/live/${encodeURIComponent(stageArn)}`);
    await expect(page.locator(remoteCamera)).toHaveCount(1, { timeout: 30_000 });
    const audio = page.locator(`${remoteCamera} audio`);
    const play = page.getByRole('button', { name: 'Click to play' });
    await expect(play).toBeVisible({ timeout: 15_000 });
    // Playwright's click checks the button is visible and not covered by the page's own layout.
    await play.click();
    await expect(play).toHaveCount(0);
    await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.paused), { timeout: 10_000 }).toBe(false);
  } finally {
    await context.close();
  }
});

test('the host ends the live', async () => {
  await host.getByRole('button', { name: 'End for everyone' }).click();
  await host.getByRole('dialog', { name: 'End this live for everyone?' }).getByRole('button', { name: 'End live' }).click();
  await expect(host.locator('.banner')).toHaveText('You ended this live.');
  await expect(viewer.locator('.banner')).toHaveText('This live has ended.', { timeout: 20_000 });
  expect(pageErrors).toEqual([]);
});
