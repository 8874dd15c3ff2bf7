/**
 * The demo as a user drives it: a host goes live from the lobby, a viewer finds the live, watches
 * and chats, the host mutes the camera and finally ends the live for everyone. Two browser
 * contexts (two users), real Chromium with a fake camera/microphone, the demo on ivs-local.
 *
 * A third user, whose display name and chat message are an HTML payload, drops by: the payload
 * must show up as text and run nothing.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { demoUrl, openHostAndViewer, screenshot } from './support';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const XSS = '<img src=x onerror=window.__xss=1>';
const HOST_NAME = 'Hana Host';
const VIEWER_NAME = 'Vik Viewer';
// Each run starts its own emulator, so the title is unique within it.
const TITLE = 'Morning show';
const DESCRIPTION = 'Coffee, news and a live chat.';

test.describe.configure({ mode: 'serial' });

let hostContext: BrowserContext;
let viewerContext: BrowserContext;
let host: Page;
let viewer: Page;
const pageErrors: string[] = [];

/** Frames decoded so far by the video of the first remote tile. */
function remoteFrames(page: Page): Promise<number> {
  return page
    .locator('.ivs-tile:not(.ivs-tile--local) video')
    .first()
    .evaluate((video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames);
}

test.beforeAll(async ({ browser }) => {
  ({ hostContext, viewerContext, host, viewer } = await openHostAndViewer(browser, pageErrors));
});

test.afterAll(async () => {
  await hostContext?.close();
  await viewerContext?.close();
});

test('a newcomer sees an empty lobby, previews the camera and goes live', async () => {
  await host.goto(demoUrl());
  await expect(host.getByText('No one is live yet')).toBeVisible();
  await expect(host.locator('.mode')).toHaveText(/ivs-local/);

  await host.getByLabel('Display name').fill(HOST_NAME);
  await host.getByLabel('Title').fill(TITLE);
  await host.getByLabel('Description').fill(DESCRIPTION);
  await host.getByRole('button', { name: 'Turn on camera and microphone' }).click();
  const preview = host.getByLabel('Camera preview');
  await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth)).toBeGreaterThan(0);
  await expect(host.getByLabel('Camera', { exact: true }).locator('option')).not.toHaveCount(0);
  await expect(host.getByLabel('Microphone', { exact: true }).locator('option')).not.toHaveCount(0);
  await screenshot(host, 'lobby');

  await host.getByRole('button', { name: 'Go live' }).click();
  await expect(host).toHaveURL(/#\/live\//);
  await expect(host.locator('.live__title')).toHaveText(TITLE);
  await expect(host.locator('.ivs-tile--local')).toBeVisible();
  await expect(host.getByTestId('on-stage-count')).toHaveText('1');
  await expect(host.getByRole('button', { name: 'Publish' })).toHaveAttribute('aria-pressed', 'true');
  await expect(host.locator('.banner')).toBeHidden();
});

test('a viewer (signing on-device against ivs-local) finds the live in the lobby and sees the host video advancing', async () => {
  await viewer.goto(demoUrl());
  await viewer.getByLabel('Control plane').selectOption('sigv4');
  await expect(viewer.locator('[data-control-plane]')).toHaveAttribute('data-control-plane', 'sigv4');
  await viewer.getByLabel('Display name').fill(VIEWER_NAME);
  await viewer.getByRole('button', { name: 'Refresh the list of lives' }).click();
  const card = viewer.locator('.stage-card', { hasText: TITLE });
  await expect(card).toBeVisible();
  await expect(card.locator('.badge')).toHaveText('Live');
  await expect(card).toContainText(`Host: ${HOST_NAME}`);
  await expect(card).toContainText(DESCRIPTION);

  await card.getByRole('button', { name: `Watch ${TITLE}` }).click();
  await expect(viewer).toHaveURL(/#\/live\//);
  await expect(viewer.locator('.ivs-tile:not(.ivs-tile--local) video')).toHaveCount(1, { timeout: 30_000 });
  await expect.poll(() => remoteFrames(viewer), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await remoteFrames(viewer);
  await expect.poll(() => remoteFrames(viewer), { timeout: 10_000 }).toBeGreaterThan(before + 10);
  // A viewer gets no publishing controls and cannot end the live.
  await expect(viewer.getByRole('button', { name: 'End for everyone' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Publish' })).toHaveCount(0);
  await expect(host.getByTestId('watching-count')).toHaveText('1');
});

test('chat messages go both ways with sender names, own messages marked', async () => {
  await expect(host.locator('.chat__state')).toHaveText('Connected');
  await expect(viewer.locator('.chat__state')).toHaveText('Connected');

  await host.getByLabel('Message', { exact: true }).fill('Welcome, everyone!');
  await host.getByLabel('Message', { exact: true }).press('Enter');
  const hostOwn = host.locator('.msg--own', { hasText: 'Welcome, everyone!' });
  await expect(hostOwn).toBeVisible();
  await expect(hostOwn).not.toHaveClass(/msg--pending/);
  const atViewer = viewer.locator('.msg--other', { hasText: 'Welcome, everyone!' });
  await expect(atViewer.locator('.msg__sender')).toHaveText(HOST_NAME);
  await expect(atViewer.locator('time')).toHaveAttribute('datetime', /\d{4}-\d{2}-\d{2}T/);

  await viewer.getByLabel('Message', { exact: true }).fill('Hi from the audience');
  await viewer.getByRole('button', { name: 'Send' }).click();
  await expect(host.locator('.msg--other', { hasText: 'Hi from the audience' }).locator('.msg__sender')).toHaveText(VIEWER_NAME);
  await expect(viewer.locator('.msg--own', { hasText: 'Hi from the audience' }).locator('.msg__sender')).toHaveText(`${VIEWER_NAME} (you)`);
  // The host moderates: its messages from others offer delete and remove.
  await expect(host.locator('.msg--other', { hasText: 'Hi from the audience' }).getByRole('button', { name: 'Delete' })).toBeVisible();
  await expect(viewer.locator('.msg').getByRole('button', { name: 'Delete' })).toHaveCount(0);

  await screenshot(viewer, 'live-viewer');
  const hostShot = await screenshot(host, 'live-host');
  if (process.env.DEMO_UPDATE_DOCS_SCREENSHOT === '1') {
    mkdirSync(fileURLToPath(new URL('../../docs/', import.meta.url)), { recursive: true });
    copyFileSync(hostShot, fileURLToPath(new URL('../../docs/screenshot-live.png', import.meta.url)));
  }
});

test('the host deletes a message: it is replaced for everyone', async () => {
  await viewer.getByLabel('Message', { exact: true }).fill('Please delete me');
  await viewer.getByLabel('Message', { exact: true }).press('Enter');
  const atHost = host.locator('.msg--other', { hasText: 'Please delete me' });
  await atHost.getByRole('button', { name: 'Delete' }).click();
  await expect(host.locator('.msg--deleted')).toHaveCount(1);
  await expect(viewer.locator('.msg--deleted .msg__text')).toHaveText('Message deleted by a moderator.');
  await expect(viewer.getByText('Please delete me')).toHaveCount(0);
});

test('a display name and a chat message containing HTML render as text and run nothing', async ({ browser }) => {
  const context = await browser.newContext();
  try {
    const guest = await context.newPage();
    guest.on('pageerror', (error) => pageErrors.push(`guest: ${error.message}`));
    await guest.goto(demoUrl());
    await guest.getByLabel('Display name').fill(XSS);
    await guest.getByRole('button', { name: `Watch ${TITLE}` }).click();
    await expect(guest.locator('.chat__state')).toHaveText('Connected');
    await guest.getByLabel('Message', { exact: true }).fill(XSS);
    await guest.getByLabel('Message', { exact: true }).press('Enter');

    const atHost = host.locator('.msg--other', { hasText: XSS });
    await expect(atHost.locator('.msg__text')).toHaveText(XSS);
    await expect(atHost.locator('.msg__sender')).toHaveText(XSS);
    await expect(viewer.locator('.msg--other .msg__text', { hasText: XSS })).toHaveText(XSS);
    await expect(guest.locator('.msg--own .msg__text')).toHaveText(XSS);
    await expect(host.locator('.participant__name', { hasText: XSS })).toHaveText(XSS);
    await expect(guest.locator('.participant__name', { hasText: XSS })).toHaveText(`${XSS} (you)`);
    await expect(host.locator('.chat__messages')).toContainText(`${XSS} joined.`);
    for (const page of [host, viewer, guest]) {
      expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
      await expect(page.locator('img[src="x"]')).toHaveCount(0);
    }
  } finally {
    await context.close();
  }
  await expect(host.locator('.participant__name', { hasText: XSS })).toHaveCount(0, { timeout: 20_000 });
});

test('when the host turns the camera off and mutes the mic, the viewer sees both', async () => {
  const camera = host.getByRole('button', { name: 'Camera off' });
  const mic = host.getByRole('button', { name: 'Mute mic' });
  await camera.click();
  await mic.click();
  await expect(camera).toHaveAttribute('aria-pressed', 'true');
  await expect(mic).toHaveAttribute('aria-pressed', 'true');

  const hostEntry = viewer.locator('.participant', { hasText: HOST_NAME });
  await expect(hostEntry).toHaveAttribute('data-video-muted', 'true');
  await expect(hostEntry).toHaveAttribute('data-audio-muted', 'true');
  await expect(hostEntry).toContainText('Camera off');
  await expect(viewer.locator('.ivs-tile:not(.ivs-tile--local)')).toHaveClass(/ivs-tile--no-video/);

  await camera.click();
  await expect(camera).toHaveAttribute('aria-pressed', 'false');
  await expect(hostEntry).toHaveAttribute('data-video-muted', 'false');
  await expect(viewer.locator('.ivs-tile:not(.ivs-tile--local)')).not.toHaveClass(/ivs-tile--no-video/);
});

test('the host stops publishing: the viewer sees nobody on stage, then the video again when the host publishes', async () => {
  const publish = host.getByRole('button', { name: 'Publish' });
  await publish.click();
  await expect(publish).toHaveAttribute('aria-pressed', 'false');
  await expect(viewer.getByTestId('on-stage-count')).toHaveText('0');
  await expect(viewer.getByText('Nobody is on stage right now.')).toBeVisible();
  await expect(viewer.locator('.ivs-tile:not(.ivs-tile--local)')).toHaveCount(0);

  await publish.click();
  await expect(publish).toHaveAttribute('aria-pressed', 'true');
  await expect(viewer.getByTestId('on-stage-count')).toHaveText('1');
  await expect(viewer.getByText('Nobody is on stage right now.')).toBeHidden();
  await expect.poll(() => remoteFrames(viewer), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await remoteFrames(viewer);
  await expect.poll(() => remoteFrames(viewer), { timeout: 10_000 }).toBeGreaterThan(before + 10);
});

test('a guest on a phone joins on camera: the host sees two on stage and the guest video advancing; the guest leaves', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const guest = await context.newPage();
    guest.on('pageerror', (error) => pageErrors.push(`guest: ${error.message}`));
    await guest.goto(demoUrl());
    await guest.getByLabel('Display name').fill('Gia Guest');
    await guest.getByRole('button', { name: `Join ${TITLE} on camera` }).click();
    await expect(guest.getByRole('button', { name: 'Publish' })).toHaveAttribute('aria-pressed', 'true');
    await expect(guest.getByRole('button', { name: 'End for everyone' })).toHaveCount(0);

    await expect(host.getByTestId('on-stage-count')).toHaveText('2');
    await expect(viewer.getByTestId('on-stage-count')).toHaveText('2');
    const guestVideo = host.locator('.ivs-tile:not(.ivs-tile--local) video');
    await expect(guestVideo).toHaveCount(1, { timeout: 30_000 });
    await expect.poll(() => remoteFrames(host), { timeout: 30_000 }).toBeGreaterThan(0);
    const before = await remoteFrames(host);
    await expect.poll(() => remoteFrames(host), { timeout: 10_000 }).toBeGreaterThan(before + 10);
    await expect(guest.locator('.ivs-tile:not(.ivs-tile--local) video')).toHaveCount(1, { timeout: 30_000 });
    await expect.poll(() => remoteFrames(guest), { timeout: 30_000 }).toBeGreaterThan(0);

    // The live page fits the phone screen.
    const overflow = await guest.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(guest, 'live-phone');

    await guest.getByRole('button', { name: 'Leave' }).click();
    await expect(guest.getByRole('heading', { name: 'Lives' })).toBeVisible();
    await expect(host.getByTestId('on-stage-count')).toHaveText('1', { timeout: 20_000 });
    await expect(host.locator('.chat__messages')).toContainText('Gia Guest left.');
  } finally {
    await context.close();
  }
});

test('the host removes the viewer from the chat: the viewer is told and can no longer send', async () => {
  await host.locator('.msg--other').first().getByRole('button', { name: 'Remove' }).click();
  await expect(viewer.locator('.chat__messages')).toContainText('You were removed from the chat.');
  await expect(viewer.getByLabel('Message', { exact: true })).toBeDisabled();
  await expect(host.locator('.chat__messages')).toContainText('was removed from the chat.');
});

test('the host reloads the page and is back on stage as the host, and the viewer sees the video again', async () => {
  await host.reload();
  await expect(host.locator('.live__title')).toHaveText(TITLE);
  await expect(host.getByRole('button', { name: 'End for everyone' })).toBeVisible();
  await expect(host.getByRole('button', { name: 'Publish' })).toHaveAttribute('aria-pressed', 'true');
  await expect(host.getByTestId('on-stage-count')).toHaveText('1');
  await expect(host.locator('.chat__state')).toHaveText('Connected');

  // The reloaded page is a new participant; the old one is gone once its connection closed.
  await expect(viewer.locator('.participant', { hasText: HOST_NAME })).toHaveCount(1, { timeout: 30_000 });
  await expect(viewer.locator('.ivs-tile:not(.ivs-tile--local) video')).toHaveCount(1, { timeout: 30_000 });
  await expect.poll(() => remoteFrames(viewer), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await remoteFrames(viewer);
  await expect.poll(() => remoteFrames(viewer), { timeout: 10_000 }).toBeGreaterThan(before + 10);
});

test('the host ends the live for everyone: the viewer sees it has ended and the lobby no longer lists it', async () => {
  await host.getByRole('button', { name: 'End for everyone' }).click();
  const dialog = host.getByRole('dialog', { name: 'End this live for everyone?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(viewer.locator('.banner')).toBeHidden();

  await host.getByRole('button', { name: 'End for everyone' }).click();
  await dialog.getByRole('button', { name: 'End live' }).click();
  await expect(host.locator('.banner')).toHaveText('You ended this live.');
  await expect(viewer.locator('.banner')).toHaveText('This live has ended.', { timeout: 20_000 });
  await expect(viewer.locator('.chat__messages')).toContainText('This live has ended.');
  await expect(viewer.getByLabel('Message', { exact: true })).toBeDisabled();

  const endedLiveUrl = viewer.url();
  await viewer.getByRole('button', { name: 'Back to the lobby' }).click();
  await expect(viewer.getByRole('heading', { name: 'Lives' })).toBeVisible();
  await expect(viewer.getByText('No one is live yet')).toBeVisible();
  await expect(viewer.locator('.stage-card', { hasText: TITLE })).toHaveCount(0);

  // A link to the ended live says so.
  await viewer.goto(endedLiveUrl);
  await viewer.getByRole('button', { name: 'Watch' }).click();
  await expect(viewer.locator('.live__title')).toHaveText('Live not found');
  await expect(viewer.locator('.banner')).toHaveText('This live has ended.');
});

test('the lobby fits a phone screen', async () => {
  await viewer.setViewportSize({ width: 390, height: 844 });
  await viewer.goto(demoUrl());
  await expect(viewer.getByRole('button', { name: 'Go live' })).toBeVisible();
  const overflow = await viewer.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(viewer, 'lobby-phone');
  expect(pageErrors).toEqual([]);
});
