/**
 * Camera, microphone and speaker selection, while live: switching replaces the published track (no
 * republish, no reconnect), unplugged devices fall back to the default, speakers go through
 * `setSinkId` where the browser has it.
 */
import { TypedEmitter } from '../core/emitter';
import { MediaDeviceError, ValidationError } from '../core/errors';
import type { Participant } from '../stage/types';
import type { MediaDeviceList } from './devices';
import { listMediaDevices } from './devices';
import { resolveMediaDevices, stopTracks, type MediaDevicesLike } from '../core/media-devices';

/** A capture device kind. */
export type CaptureKind = 'audioinput' | 'videoinput';
/** A device kind. */
export type DeviceKind = CaptureKind | 'audiooutput';

/** The part of `StageSession` device switching uses. */
export interface DeviceSwitchTarget {
  readonly localParticipant: Participant | undefined;
  replaceTrack(track: MediaStreamTrack, options?: { adopt?: boolean }): Promise<void>;
}

/** Options of {@link switchDevice}. */
export interface SwitchDeviceOptions {
  /** Defaults to `navigator.mediaDevices`. */
  mediaDevices?: MediaDevicesLike;
  /** Extra constraints for the new track (resolution, echo cancellation…); `deviceId` is set for you. */
  constraints?: MediaTrackConstraints;
}

const mediaKind = (kind: CaptureKind) => (kind === 'audioinput' ? 'audio' : 'video');

/**
 * Captures `deviceId` and makes it the published camera or microphone of `session`, without
 * republishing (the sender's track is replaced; other participants keep receiving). The session owns
 * the new track and stops the previous one if it owned it.
 *
 * @returns the new track.
 * @throws {MediaDeviceError} the device could not be opened (nothing changes).
 * @throws {InvalidStateError} the session is not publishing that kind.
 */
export async function switchDevice(session: DeviceSwitchTarget, kind: CaptureKind, deviceId: string, options: SwitchDeviceOptions = {}): Promise<MediaStreamTrack> {
  if (kind !== 'audioinput' && kind !== 'videoinput') throw new ValidationError('kind', `must be 'audioinput' or 'videoinput', got ${String(kind)}.`);
  if (typeof deviceId !== 'string' || deviceId === '') throw new ValidationError('deviceId', 'must be a device id from listMediaDevices().');
  const devices = resolveMediaDevices(options.mediaDevices);
  let track: MediaStreamTrack | undefined;
  try {
    const stream = await devices.getUserMedia({ [mediaKind(kind)]: { ...options.constraints, deviceId: { exact: deviceId } } });
    track = stream.getTracks().find((t) => t.kind === mediaKind(kind));
  } catch (error) {
    throw MediaDeviceError.from(error);
  }
  if (!track) throw new MediaDeviceError('not-found', `The device ${deviceId} gave no ${mediaKind(kind)} track.`);
  try {
    await session.replaceTrack(track, { adopt: true });
  } catch (error) {
    stopTracks([track]);
    throw error;
  }
  return track;
}

/** Whether this browser can route audio to a chosen speaker (`HTMLMediaElement.setSinkId`). */
export function canSelectAudioOutput(): boolean {
  const proto = (globalThis as { HTMLMediaElement?: { prototype: object } }).HTMLMediaElement?.prototype;
  return proto !== undefined && 'setSinkId' in proto;
}

/** Options of {@link DeviceManager}. */
export interface DeviceManagerOptions {
  /** The session whose published camera/microphone follow the selection (optional: selection only). */
  session?: DeviceSwitchTarget;
  /** Defaults to `navigator.mediaDevices` (needs `enumerateDevices` and the `devicechange` event). */
  mediaDevices?: MediaDevicesLike & Partial<Pick<EventTarget, 'addEventListener' | 'removeEventListener'>>;
}

/** Events of a {@link DeviceManager}. */
export interface DeviceManagerEvents {
  /** The device list changed (a device was plugged in or out). */
  devicesChanged: { devices: MediaDeviceList };
  /** A device was selected (by you, or as a fallback). */
  selectionChanged: { kind: DeviceKind; deviceId: string };
  /**
   * A device in use went away; the default device (`fallbackDeviceId`, `undefined` when there is
   * none left) took over. Tell the user.
   */
  deviceLost: { kind: DeviceKind; deviceId: string; label: string; fallbackDeviceId: string | undefined };
  /** Following a device change failed (e.g. the fallback microphone could not be opened). */
  error: { error: MediaDeviceError };
}

type SinkElement = HTMLMediaElement & { setSinkId(id: string): Promise<void> };

/**
 * Lists devices, keeps a selection per kind, applies it to a live session, and follows `devicechange`:
 * when the camera or microphone being published (or the chosen speaker) is unplugged, it falls back
 * to the default device and emits `deviceLost`.
 *
 * Speakers: {@link DeviceManager.attachOutput} a container (e.g. the grid's element) and every
 * `<audio>` in it plays on the selected speaker, where `setSinkId` exists
 * ({@link canSelectAudioOutput}).
 *
 * @example
 * ```ts
 * const devices = new DeviceManager({ session });
 * await devices.refresh();
 * micPicker.options = devices.devices.audioInputs;
 * micPicker.onchange = () => devices.select('audioinput', micPicker.value);
 * devices.on('deviceLost', ({ label }) => toast(`${label} was disconnected; using the default device`));
 * ```
 */
export class DeviceManager extends TypedEmitter<DeviceManagerEvents> {
  readonly #session: DeviceSwitchTarget | undefined;
  readonly #devicesOption: DeviceManagerOptions['mediaDevices'];
  #devices: MediaDeviceList = { audioInputs: [], videoInputs: [], audioOutputs: [] };
  #selected: Partial<Record<DeviceKind, string>> = {};
  #outputs = new Map<ParentNode | HTMLMediaElement, MutationObserver | undefined>();
  #onChange = () => void this.#handleDeviceChange();
  #listening: DeviceManagerOptions['mediaDevices'];
  #disposed = false;

  constructor(options: DeviceManagerOptions = {}) {
    super();
    this.#session = options.session;
    this.#devicesOption = options.mediaDevices;
  }

  /** The last listed devices (call {@link refresh} first). */
  get devices(): MediaDeviceList {
    return this.#devices;
  }

  /** The selected device id per kind (absent: the browser's default). */
  get selected(): Readonly<Partial<Record<DeviceKind, string>>> {
    return { ...this.#selected };
  }

  /**
   * Lists the devices again and starts following `devicechange`.
   * @throws {MediaDeviceError} when devices cannot be enumerated.
   */
  async refresh(): Promise<MediaDeviceList> {
    const mediaDevices = resolveMediaDevices(this.#devicesOption) as NonNullable<DeviceManagerOptions['mediaDevices']>;
    if (!this.#listening && !this.#disposed && typeof mediaDevices.addEventListener === 'function') {
      mediaDevices.addEventListener('devicechange', this.#onChange);
      this.#listening = mediaDevices;
    }
    this.#devices = await listMediaDevices({ mediaDevices });
    return this.#devices;
  }

  /** Constraints that capture the selected device of a kind (`true` for the default), for `join()` or a preview. */
  constraints(kind: CaptureKind): MediaTrackConstraints | true {
    const id = this.#selected[kind];
    return id === undefined ? true : { deviceId: { exact: id } };
  }

  /**
   * Selects a device. For a camera/microphone being published, switches the session to it while live
   * (see {@link switchDevice}); for a speaker, routes every attached media element to it.
   * @throws {MediaDeviceError} the device could not be opened; the previous selection stays.
   */
  async select(kind: DeviceKind, deviceId: string): Promise<void> {
    if (kind !== 'audioinput' && kind !== 'videoinput' && kind !== 'audiooutput') {
      throw new ValidationError('kind', `must be 'audioinput', 'videoinput' or 'audiooutput', got ${String(kind)}.`);
    }
    if (typeof deviceId !== 'string') throw new ValidationError('deviceId', 'must be a device id string.');
    if (kind === 'audiooutput') {
      if (!canSelectAudioOutput()) throw new MediaDeviceError('unsupported', 'This browser cannot choose the speaker (no HTMLMediaElement.setSinkId).');
      await Promise.all(this.#mediaElements().map((el) => this.#applySink(el, deviceId)));
    } else if (this.#publishedTrack(kind)) {
      await switchDevice(this.#session!, kind, deviceId, this.#devicesOption ? { mediaDevices: this.#devicesOption } : {});
    }
    this.#selected = { ...this.#selected, [kind]: deviceId };
    this.emit('selectionChanged', { kind, deviceId });
  }

  /**
   * Routes the audio of `target` (a media element, or every `<audio>` inside a container, including
   * ones added later: a `StageGrid` plays remote audio in `<audio>` elements) to the selected speaker. Returns a function that stops following it.
   */
  attachOutput(target: ParentNode | HTMLMediaElement): () => void {
    if (this.#outputs.has(target)) return () => this.#detachOutput(target);
    let observer: MutationObserver | undefined;
    if (typeof MutationObserver === 'function' && !('setSinkId' in target)) {
      observer = new MutationObserver(() => {
        const id = this.#selected.audiooutput;
        if (id !== undefined) for (const el of this.#elementsOf(target)) void this.#applySink(el, id).catch(() => {});
      });
      observer.observe(target as Node, { childList: true, subtree: true });
    }
    this.#outputs.set(target, observer);
    const id = this.#selected.audiooutput;
    if (id !== undefined) for (const el of this.#elementsOf(target)) void this.#applySink(el, id).catch(() => {});
    return () => this.#detachOutput(target);
  }

  /** Stops following `devicechange` and attached outputs. Idempotent. */
  dispose(): void {
    this.#disposed = true;
    this.#listening?.removeEventListener?.('devicechange', this.#onChange);
    this.#listening = undefined;
    for (const target of [...this.#outputs.keys()]) this.#detachOutput(target);
    this.removeAllListeners();
  }

  #detachOutput(target: ParentNode | HTMLMediaElement): void {
    this.#outputs.get(target)?.disconnect();
    this.#outputs.delete(target);
  }

  #elementsOf(target: ParentNode | HTMLMediaElement): SinkElement[] {
    const list = 'setSinkId' in target ? [target] : [...(target as ParentNode).querySelectorAll('audio')];
    return list.filter((el): el is SinkElement => 'setSinkId' in el);
  }

  #mediaElements(): SinkElement[] {
    return [...new Set([...this.#outputs.keys()].flatMap((t) => this.#elementsOf(t)))];
  }

  async #applySink(el: SinkElement, deviceId: string): Promise<void> {
    if ((el as { sinkId?: string }).sinkId === deviceId) return;
    try {
      await el.setSinkId(deviceId);
    } catch (error) {
      throw MediaDeviceError.from(error);
    }
  }

  #publishedTrack(kind: CaptureKind): MediaStreamTrack | undefined {
    const local = this.#session?.localParticipant;
    return kind === 'audioinput' ? local?.audioTrack : local?.videoTrack;
  }

  async #handleDeviceChange(): Promise<void> {
    if (this.#disposed) return;
    const before = this.#devices;
    let devices: MediaDeviceList;
    try {
      devices = await this.refresh();
    } catch (error) {
      this.emit('error', { error: MediaDeviceError.from(error) });
      return;
    }
    this.emit('devicesChanged', { devices });
    const lists: Record<DeviceKind, readonly MediaDeviceInfo[]> = {
      audioinput: devices.audioInputs,
      videoinput: devices.videoInputs,
      audiooutput: devices.audioOutputs,
    };
    const previous: Record<DeviceKind, readonly MediaDeviceInfo[]> = {
      audioinput: before.audioInputs,
      videoinput: before.videoInputs,
      audiooutput: before.audioOutputs,
    };
    for (const kind of ['audioinput', 'videoinput', 'audiooutput'] as const) {
      const track = kind === 'audiooutput' ? undefined : this.#publishedTrack(kind);
      // The device in use: the selection, else what the published track was captured from.
      const inUse = this.#selected[kind] ?? track?.getSettings?.().deviceId;
      const ended = track?.readyState === 'ended';
      if (inUse === undefined && !ended) continue;
      const present = inUse !== undefined && lists[kind].some((d) => d.deviceId === inUse);
      if (present && !ended) continue;
      const fallback = lists[kind].find((d) => d.deviceId === 'default') ?? lists[kind][0];
      const label = previous[kind].find((d) => d.deviceId === inUse)?.label ?? track?.label ?? '';
      const next = { ...this.#selected };
      delete next[kind];
      this.#selected = next;
      try {
        if (kind === 'audiooutput') {
          await Promise.all(this.#mediaElements().map((el) => this.#applySink(el, '')));
        } else if (track && fallback) {
          await switchDevice(this.#session!, kind, fallback.deviceId, this.#devicesOption ? { mediaDevices: this.#devicesOption } : {});
        }
      } catch (error) {
        this.emit('error', { error: error instanceof MediaDeviceError ? error : MediaDeviceError.from(error) });
      }
      this.emit('deviceLost', { kind, deviceId: inUse ?? '', label, fallbackDeviceId: fallback?.deviceId });
      if (fallback) this.emit('selectionChanged', { kind, deviceId: fallback.deviceId });
    }
  }
}
