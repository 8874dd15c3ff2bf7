import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Sigv4Entry from '../../../src/sigv4';

const credentials = { accessKeyId: 'AKIDWARNTEST', secretAccessKey: 'secret-warn-test-value' };

/** A fresh copy of the module, so the once-per-page flag starts unset. */
async function freshModule(): Promise<typeof Sigv4Entry> {
  vi.resetModules();
  return import('../../../src/sigv4');
}

function setLocation(hostname: string | undefined): void {
  if (hostname === undefined) Reflect.deleteProperty(globalThis, 'location');
  else Object.defineProperty(globalThis, 'location', { value: { hostname }, configurable: true, writable: true });
}

describe('SigV4ControlPlane development-only warning', () => {
  beforeEach(() => setLocation(undefined));
  afterEach(() => setLocation(undefined));

  it('warns once per page served from a public host, through the logger, without credentials', async () => {
    setLocation('app.example.com');
    const { SigV4ControlPlane } = await freshModule();
    const warn = vi.fn();
    const first = new SigV4ControlPlane({ region: 'us-east-1', credentials, logger: { warn } });
    const second = new SigV4ControlPlane({ region: 'us-east-1', credentials, logger: { warn } });
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toContain('app.example.com');
    expect(message).toMatch(/development only/i);
    expect(message).toContain('HttpControlPlane');
    expect(message).not.toContain(credentials.secretAccessKey);
    expect(message).not.toContain(credentials.accessKeyId);
    first.dispose();
    second.dispose();
  });

  it('uses console.warn when no logger is given', async () => {
    setLocation('staging.example.org');
    const { SigV4ControlPlane } = await freshModule();
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      new SigV4ControlPlane({ region: 'us-east-1', credentials }).dispose();
      new SigV4ControlPlane({ region: 'us-east-1', credentials }).dispose();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it.each(['localhost', '127.0.0.1', '[::1]', 'LOCALHOST'])('does not warn on %s', async (hostname) => {
    setLocation(hostname);
    const { SigV4ControlPlane } = await freshModule();
    const warn = vi.fn();
    new SigV4ControlPlane({ region: 'us-east-1', credentials, logger: { warn } }).dispose();
    expect(warn).not.toHaveBeenCalled();
  });

  it('does not warn outside a page (Node, no location)', async () => {
    const { SigV4ControlPlane } = await freshModule();
    const warn = vi.fn();
    new SigV4ControlPlane({ region: 'us-east-1', credentials, logger: { warn } }).dispose();
    expect(warn).not.toHaveBeenCalled();
  });
});
