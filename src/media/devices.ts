import { MediaDeviceError } from '../core/errors';
import { resolveMediaDevices } from '../core/media-devices';
import type { MediaHelperOptions } from './permissions';

/** Media devices grouped by kind, in the browser's order. */
export interface MediaDeviceList {
  readonly audioInputs: readonly MediaDeviceInfo[];
  readonly videoInputs: readonly MediaDeviceInfo[];
  readonly audioOutputs: readonly MediaDeviceInfo[];
}

/**
 * Lists cameras, microphones and speakers, grouped by kind.
 *
 * Browsers hide device labels (and sometimes ids) until the page has been granted a permission:
 * call {@link requestMediaPermissions} first to show a device picker with names.
 *
 * @throws {MediaDeviceError} `unsupported` when device enumeration is not available.
 */
export async function listMediaDevices(options: Pick<MediaHelperOptions, 'mediaDevices'> = {}): Promise<MediaDeviceList> {
  const devices = resolveMediaDevices(options.mediaDevices);
  if (typeof devices.enumerateDevices !== 'function') {
    throw new MediaDeviceError('unsupported', 'This environment cannot enumerate media devices (no mediaDevices.enumerateDevices).');
  }
  let all: MediaDeviceInfo[];
  try {
    all = await devices.enumerateDevices();
  } catch (error) {
    throw MediaDeviceError.from(error);
  }
  return {
    audioInputs: all.filter((d) => d.kind === 'audioinput'),
    videoInputs: all.filter((d) => d.kind === 'videoinput'),
    audioOutputs: all.filter((d) => d.kind === 'audiooutput'),
  };
}
