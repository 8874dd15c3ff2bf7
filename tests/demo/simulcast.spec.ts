/**
 * The demo's "Send simulcast layers" choice when going live: with it checked, the host's camera goes
 * out as 3 video layers (the host page's outbound-rtp), and a viewer receives the host's video; the
 * grid's layer preferences are on. Unchecked (the other demo specs), one layer is sent. Then the
 * host's reactions, sent in-band with its video, show over its tile on the viewer's page.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { demoUrl, openHostAndViewer } from './support';

const HOST_NAME = 'Sia Simulcast';
const VIEWER_NAME = 'Lee Layers';
const TITLE = 'Three sizes';

test.describe.configure({ mode: 'serial' });

let hostContext: BrowserContext;
let viewerContext: BrowserContext;
let host: Page;
let viewer: Page;
const pageErrors: string[] = [];

/** Frame widths of the video encodings the page sends now (outbound-rtp with frames encoded), smallest first. */
function sentWidths(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const widths: number[] = [];
    for (const pc of (window as { __pcs?: RTCPeerConnection[] }).__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s['type'] === 'outbound-rtp' && s['kind'] === 'video' && typeof s['frameWidth'] === 'number' && Number(s['framesEncoded']) > 0) widths.push(s['frameWidth']);
      });
    }
    return widths.sort((a, b) => a - b);
  });
}

test.beforeAll(async ({ browser }) => {
  ({ hostContext, viewerContext, host, viewer } = await openHostAndViewer(browser, pageErrors, async (context) => {
    // Keep the page's peer connections, to read what it sends.
    await context.addInitScript(() => {
      const Native = RTCPeerConnection;
      const pcs: RTCPeerConnection[] = ((window as { __pcs?: RTCPeerConnection[] }).__pcs = []);
      window.RTCPeerConnection = class extends Native {
        constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
          super(...args);
          pcs.push(this);
        }
      };
    });
  }));
});

test.afterAll(async () => {
  await hostContext?.close();
  await viewerContext?.close();
});

test('going live with "Send simulcast layers" checked sends the camera as 3 layers, and a viewer receives it', async () => {
  await host.goto(demoUrl());
  await host.getByLabel('Display name').fill(HOST_NAME);
  await host.getByLabel('Title').fill(TITLE);
  const simulcast = host.getByLabel('Send simulcast layers');
  await expect(simulcast, 'simulcast is off unless the host asks for it').not.toBeChecked();
  await simulcast.check();
  await host.getByRole('button', { name: 'Go live' }).click();
  await expect(host.getByRole('button', { name: 'Publish' })).toHaveAttribute('aria-pressed', 'true', { timeout: 20_000 });
  await expect.poll(async () => (await sentWidths(host)).length, { message: 'the host sends 3 video layers', timeout: 20_000 }).toBe(3);
  const widths = await sentWidths(host);
  expect(widths[0], `layers ${widths.join(', ')}: the smallest is narrower than the largest`).toBeLessThan(widths[2]!);

  await viewer.goto(demoUrl());
  await viewer.getByLabel('Display name').fill(VIEWER_NAME);
  await viewer.getByRole('button', { name: `Watch ${TITLE}` }).click();
  const video = viewer.locator('.ivs-tile:not(.ivs-tile--local) video');
  await expect(video).toHaveCount(1, { timeout: 30_000 });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { message: 'the viewer shows the host’s video', timeout: 20_000 }).toBeGreaterThan(0);
});

test('a reaction the host sends in-band with its video shows over the host’s tile on the viewer’s page, and only there', async () => {
  await host.getByRole('button', { name: 'React 👏' }).click();
  const hostTile = viewer.locator('.ivs-tile:not(.ivs-tile--local)');
  await expect(hostTile.locator('.reaction'), 'the reaction over the host’s tile').toHaveText('👏', { timeout: 10_000 });
  await expect(host.locator('.ivs-tile--local .reaction'), 'the host sees its own reaction too').toHaveText('👏');
  await expect(viewer.getByRole('button', { name: 'React 👏' }), 'a viewer (not publishing) has no reaction buttons').toHaveCount(0);
  await expect(hostTile.locator('.reaction'), 'the reaction goes after a moment').toHaveCount(0, { timeout: 10_000 });
});

test('the host ends the simulcast live', async () => {
  await host.getByRole('button', { name: 'End for everyone' }).click();
  await host.getByRole('dialog', { name: 'End this live for everyone?' }).getByRole('button', { name: 'End live' }).click();
  await expect(host.locator('.banner')).toHaveText('You ended this live.');
  await expect(viewer.locator('.banner')).toHaveText('This live has ended.', { timeout: 20_000 });
  expect(pageErrors).toEqual([]);
});
