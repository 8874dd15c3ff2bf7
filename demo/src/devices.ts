/**
 * Camera and microphone picker with a local preview. The preview's tracks are handed to the stage
 * session when the user goes live, so the camera is opened once.
 */
import { MediaDeviceError, listMediaDevices } from 'aws-ivs-realtime';
import { describeError, field, h, replaceChildren } from './dom';

export interface DeviceChoice {
  videoDeviceId: string | undefined;
  audioDeviceId: string | undefined;
}

const CHOICE_KEY = 'ivs-demo.devices';

export function storedDeviceChoice(): DeviceChoice {
  try {
    const parsed = JSON.parse(localStorage.getItem(CHOICE_KEY) ?? '{}') as Partial<DeviceChoice>;
    return {
      videoDeviceId: typeof parsed.videoDeviceId === 'string' ? parsed.videoDeviceId : undefined,
      audioDeviceId: typeof parsed.audioDeviceId === 'string' ? parsed.audioDeviceId : undefined,
    };
  } catch {
    return { videoDeviceId: undefined, audioDeviceId: undefined };
  }
}

/** getUserMedia constraints for a choice (`ideal` so a vanished device falls back to another). */
export function constraintsFor(choice: DeviceChoice): { audio: MediaTrackConstraints; video: MediaTrackConstraints } {
  return {
    audio: choice.audioDeviceId ? { deviceId: { ideal: choice.audioDeviceId } } : {},
    video: {
      width: { ideal: 1280 },
      height: { ideal: 720 },
      ...(choice.videoDeviceId ? { deviceId: { ideal: choice.videoDeviceId } } : {}),
    },
  };
}

export class DevicePicker {
  readonly element: HTMLElement;
  #video = h('video', { class: 'preview__video', attrs: { playsinline: true, muted: true, 'aria-label': 'Camera preview' } });
  #cameraSelect = h('select', { attrs: { 'aria-label': 'Camera' } });
  #micSelect = h('select', { attrs: { 'aria-label': 'Microphone' } });
  #status = h('p', { class: 'preview__status', attrs: { role: 'status' } });
  #startButton: HTMLButtonElement;
  #selects: HTMLElement;
  #stream: MediaStream | undefined;
  #choice = storedDeviceChoice();
  #starting: Promise<void> | undefined;
  #controller = new AbortController();

  constructor() {
    const signal = this.#controller.signal;
    this.#video.muted = true;
    this.#startButton = h('button', {
      text: 'Turn on camera and microphone',
      attrs: { type: 'button' },
      on: { click: () => void this.start() },
      signal,
    });
    this.#cameraSelect.addEventListener('change', () => void this.#switch({ videoDeviceId: this.#cameraSelect.value }), { signal });
    this.#micSelect.addEventListener('change', () => void this.#switch({ audioDeviceId: this.#micSelect.value }), { signal });
    this.#selects = h('div', { class: 'preview__selects', attrs: { hidden: true } }, field('Camera', this.#cameraSelect), field('Microphone', this.#micSelect));
    this.element = h(
      'div',
      { class: 'preview' },
      h('div', { class: 'preview__frame' }, this.#video),
      this.#startButton,
      this.#selects,
      this.#status,
    );
  }

  /** Whether the preview is running. */
  get active(): boolean {
    return this.#stream !== undefined;
  }

  /** Opens the chosen (or default) devices and lists them. Safe to call repeatedly. */
  start(): Promise<void> {
    this.#starting ??= this.#open(this.#choice).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #open(choice: DeviceChoice): Promise<void> {
    this.#startButton.disabled = true;
    this.#status.textContent = 'Asking for camera and microphone…';
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraintsFor(choice));
      if (this.#controller.signal.aborted) {
        stream.getTracks().forEach((track) => track.stop());
        return;
      }
      this.#stopTracks();
      this.#stream = stream;
      this.#video.srcObject = stream;
      void this.#video.play().catch(() => {});
      this.#choice = {
        videoDeviceId: stream.getVideoTracks()[0]?.getSettings().deviceId ?? choice.videoDeviceId,
        audioDeviceId: stream.getAudioTracks()[0]?.getSettings().deviceId ?? choice.audioDeviceId,
      };
      localStorage.setItem(CHOICE_KEY, JSON.stringify(this.#choice));
      await this.#listDevices();
      this.#status.textContent = '';
      this.#startButton.hidden = true;
      this.#selects.hidden = false;
    } catch (error) {
      const mediaError = MediaDeviceError.from(error);
      this.#status.textContent = mediaError.message;
      this.#startButton.disabled = false;
      throw mediaError;
    }
  }

  async #listDevices(): Promise<void> {
    const devices = await listMediaDevices();
    const fill = (select: HTMLSelectElement, list: readonly MediaDeviceInfo[], selected: string | undefined, noun: string) => {
      replaceChildren(
        select,
        ...list.map((device, index) => {
          const option = h('option', { text: device.label || `${noun} ${index + 1}`, attrs: { value: device.deviceId } });
          option.selected = device.deviceId === selected;
          return option;
        }),
      );
    };
    fill(this.#cameraSelect, devices.videoInputs, this.#choice.videoDeviceId, 'Camera');
    fill(this.#micSelect, devices.audioInputs, this.#choice.audioDeviceId, 'Microphone');
  }

  async #switch(change: Partial<DeviceChoice>): Promise<void> {
    try {
      await this.#open({ ...this.#choice, ...change });
    } catch (error) {
      this.#status.textContent = describeError(error);
    }
  }

  /** The device choice, for joining without a preview (after a page reload). */
  get choice(): DeviceChoice {
    return { ...this.#choice };
  }

  /**
   * Hands the preview's tracks over (the caller now owns and stops them) and resets the preview.
   * Starts the devices first if they are off.
   */
  async takeTracks(): Promise<MediaStreamTrack[]> {
    if (!this.#stream) await this.start();
    const tracks = this.#stream?.getTracks() ?? [];
    this.#stream = undefined;
    this.#video.srcObject = null;
    this.#startButton.hidden = false;
    this.#startButton.disabled = false;
    this.#selects.hidden = true;
    return tracks;
  }

  #stopTracks(): void {
    this.#stream?.getTracks().forEach((track) => track.stop());
    this.#stream = undefined;
  }

  /** Stops the preview (the camera light goes off) and removes listeners. */
  dispose(): void {
    this.#controller.abort();
    this.#stopTracks();
    this.#video.srcObject = null;
  }
}
