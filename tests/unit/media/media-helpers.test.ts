import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, MediaDeviceError, ValidationError } from '../../../src/core/errors';
import { checkStageSupport, isStageSupported, listMediaDevices, requestMediaPermissions } from '../../../src/media';
import { FakeMediaDevices } from '../../fakes/fake-stage';

afterEach(() => {
  vi.unstubAllGlobals();
});

function domException(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...extra });
}

describe('requestMediaPermissions', () => {
  it('captures the requested kinds, then stops every captured track', async () => {
    const devices = new FakeMediaDevices();
    await expect(requestMediaPermissions({ audio: true, video: true }, { mediaDevices: devices })).resolves.toEqual({ audio: true, video: true });
    expect(devices.calls).toEqual([{ audio: true, video: true }]);
    expect(devices.tracks).toHaveLength(2);
    expect(devices.liveTracks).toHaveLength(0);
  });

  it.each([
    ['NotAllowedError', 'permission-denied'],
    ['SecurityError', 'permission-denied'],
    ['NotFoundError', 'not-found'],
    ['NotReadableError', 'in-use'],
    ['OverconstrainedError', 'overconstrained'],
    ['AbortError', 'aborted'],
    ['SomethingNew', 'unknown'],
  ] as const)('normalizes a %s into MediaDeviceError (%s)', async (name, reason) => {
    const devices = new FakeMediaDevices();
    devices.failWith = domException(name, name === 'OverconstrainedError' ? { constraint: 'deviceId' } : {});
    const error = (await requestMediaPermissions({ video: true }, { mediaDevices: devices }).catch((e: unknown) => e)) as MediaDeviceError;
    expect(error).toBeInstanceOf(MediaDeviceError);
    expect(error.reason).toBe(reason);
    expect(error.cause).toBe(devices.failWith);
    if (name === 'OverconstrainedError') expect(error.constraint).toBe('deviceId');
  });

  it('throws ValidationError when nothing is requested, without touching the devices', async () => {
    const devices = new FakeMediaDevices();
    await expect(requestMediaPermissions({}, { mediaDevices: devices })).rejects.toBeInstanceOf(ValidationError);
    expect(devices.calls).toHaveLength(0);
  });

  it('rejects with AbortedError when aborted while waiting, and still stops the tracks', async () => {
    const devices = new FakeMediaDevices();
    let open!: () => void;
    devices.gate = new Promise((r) => (open = r));
    const controller = new AbortController();
    const pending = requestMediaPermissions({ audio: true }, { mediaDevices: devices, signal: controller.signal });
    controller.abort();
    open();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(devices.tracks).toHaveLength(1);
    expect(devices.liveTracks).toHaveLength(0);
  });

  it('without navigator.mediaDevices throws MediaDeviceError (unsupported)', async () => {
    const error = (await requestMediaPermissions({ audio: true }).catch((e: unknown) => e)) as MediaDeviceError;
    expect(error).toBeInstanceOf(MediaDeviceError);
    expect(error.reason).toBe('unsupported');
  });

  it('on an insecure page throws MediaDeviceError (insecure-context) with the fix in the message', async () => {
    vi.stubGlobal('isSecureContext', false);
    const error = (await requestMediaPermissions({ audio: true }).catch((e: unknown) => e)) as MediaDeviceError;
    expect(error.reason).toBe('insecure-context');
    expect(error.message).toMatch(/https/);
  });

  it('uses navigator.mediaDevices when none is injected', async () => {
    const devices = new FakeMediaDevices();
    vi.stubGlobal('navigator', { mediaDevices: devices });
    await requestMediaPermissions({ video: true });
    expect(devices.calls).toEqual([{ audio: false, video: true }]);
  });
});

describe('listMediaDevices', () => {
  it('groups devices by kind in the browser order', async () => {
    const devices = new FakeMediaDevices();
    const info = (kind: MediaDeviceKind, deviceId: string) => ({ kind, deviceId, groupId: '', label: deviceId, toJSON: () => ({}) }) as MediaDeviceInfo;
    devices.devices = [info('videoinput', 'cam1'), info('audioinput', 'mic1'), info('audiooutput', 'spk'), info('videoinput', 'cam2')];
    const list = await listMediaDevices({ mediaDevices: devices });
    expect(list.videoInputs.map((d) => d.deviceId)).toEqual(['cam1', 'cam2']);
    expect(list.audioInputs.map((d) => d.deviceId)).toEqual(['mic1']);
    expect(list.audioOutputs.map((d) => d.deviceId)).toEqual(['spk']);
  });

  it('normalizes enumerateDevices failures and reports missing enumeration as unsupported', async () => {
    const devices = new FakeMediaDevices();
    devices.failWith = domException('NotAllowedError');
    await expect(listMediaDevices({ mediaDevices: devices })).rejects.toMatchObject({ name: 'MediaDeviceError', reason: 'permission-denied' });
    const noEnumerate = { getUserMedia: devices.getUserMedia.bind(devices) };
    await expect(listMediaDevices({ mediaDevices: noEnumerate })).rejects.toMatchObject({ reason: 'unsupported' });
  });
});

describe('checkStageSupport / isStageSupported', () => {
  it('reports every requirement missing in Node (server-side rendering)', () => {
    expect(checkStageSupport()).toEqual({ supported: false, missing: ['webrtc', 'media-devices', 'secure-context'] });
    expect(isStageSupported()).toBe(false);
  });

  it('is supported with WebRTC, mediaDevices and a secure context', () => {
    vi.stubGlobal('RTCPeerConnection', class {});
    vi.stubGlobal('navigator', { mediaDevices: new FakeMediaDevices() });
    vi.stubGlobal('isSecureContext', true);
    expect(checkStageSupport()).toEqual({ supported: true, missing: [] });
    vi.stubGlobal('isSecureContext', false);
    expect(checkStageSupport().missing).toEqual(['secure-context']);
  });
});

describe('importing the media and stage modules', () => {
  it('touches no window, navigator or document', async () => {
    const touched: string[] = [];
    for (const name of ['window', 'navigator', 'document']) {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          touched.push(name);
          return undefined;
        },
      });
    }
    try {
      vi.resetModules();
      await import('../../../src/media');
      await import('../../../src/stage/stage-session');
      await import('../../../src/stage/strategies');
    } finally {
      for (const name of ['window', 'navigator', 'document']) delete (globalThis as Record<string, unknown>)[name];
    }
    expect(touched).toEqual([]);
  });
});
