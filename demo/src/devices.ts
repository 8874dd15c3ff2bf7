/**
 * The lobby's camera and microphone picker: a `MediaPreview` (camera + microphone level meter) whose
 * tracks are handed to the stage session when the user goes live, so the devices are opened (and
 * the permission asked for) once.
 */
import { MediaDeviceError, MediaPreview, listMediaDevices, type PublishMediaOptions } from 'aws-ivs-realtime';
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

export function rememberDeviceChoice(change: Partial<DeviceChoice>): void {
  localStorage.setItem(CHOICE_KEY, JSON.stringify({ ...storedDeviceChoice(), ...change }));
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

/** Fills a `<select>` with devices (labels as text), selecting `selected`. */
export function fillDeviceSelect(select: HTMLSelectElement, list: readonly MediaDeviceInfo[], selected: string | undefined, noun: string): void {
  replaceChildren(
    select,
    ...list.map((device, index) => {
      const option = h('option', { text: device.label || `${noun} ${index + 1}`, attrs: { value: device.deviceId } });
      option.selected = device.deviceId === selected;
      return option;
    }),
  );
}

export class DevicePicker {
  readonly element: HTMLElement;
  #video = h('video', { class: 'preview__video', attrs: { playsinline: true, muted: true, 'aria-label': 'Camera preview' } });
  #meter = h('meter', { class: 'preview__meter', attrs: { min: 0, max: 1, low: 0.05, high: 0.9, optimum: 0.5, value: 0 } });
  #cameraSelect = h('select', { attrs: { 'aria-label': 'Camera' } });
  #micSelect = h('select', { attrs: { 'aria-label': 'Microphone' } });
  #status = h('p', { class: 'preview__status', attrs: { role: 'status' } });
  #startButton: HTMLButtonElement;
  #selects: HTMLElement;
  #preview: MediaPreview | undefined;
  #starting: Promise<void> | undefined;
  #controller = new AbortController();

  constructor() {
    const signal = this.#controller.signal;
    this.#video.muted = true;
    this.#startButton = h('button', {
      text: 'Turn on camera and microphone',
      attrs: { type: 'button' },
      on: { click: () => void this.start().catch(() => {}) },
      signal,
    });
    this.#cameraSelect.addEventListener('change', () => void this.#switch('videoinput', this.#cameraSelect.value), { signal });
    this.#micSelect.addEventListener('change', () => void this.#switch('audioinput', this.#micSelect.value), { signal });
    this.#selects = h(
      'div',
      { class: 'preview__selects', attrs: { hidden: true } },
      field('Camera', this.#cameraSelect),
      field('Microphone', this.#micSelect),
      field('Microphone level', this.#meter, 'Say something: the bar moves when the microphone hears you.'),
    );
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
    return this.#preview?.phase === 'previewing';
  }

  /** Opens the chosen (or default) devices and lists them. Safe to call repeatedly. */
  start(): Promise<void> {
    if (this.active) return Promise.resolve();
    this.#starting ??= this.#open().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #open(): Promise<void> {
    this.#startButton.disabled = true;
    this.#status.textContent = 'Asking for camera and microphone…';
    const preview = new MediaPreview(constraintsFor(storedDeviceChoice()));
    try {
      await preview.start({ signal: this.#controller.signal });
    } catch (error) {
      preview.stop();
      const mediaError = MediaDeviceError.from(error);
      this.#status.textContent = mediaError.message;
      this.#startButton.disabled = false;
      throw mediaError;
    }
    if (this.#controller.signal.aborted) {
      preview.stop();
      return;
    }
    this.#preview = preview;
    preview.attach(this.#video);
    preview.on('level', ({ level }) => {
      this.#meter.value = level;
    });
    preview.on('tracksChanged', () => this.#remember());
    this.#remember();
    await this.#listDevices();
    this.#status.textContent = '';
    this.#startButton.hidden = true;
    this.#selects.hidden = false;
  }

  /** Stores the devices actually opened, so a reloaded live page captures the same ones. */
  #remember(): void {
    const preview = this.#preview;
    if (!preview) return;
    rememberDeviceChoice({
      videoDeviceId: preview.videoTrack?.getSettings().deviceId,
      audioDeviceId: preview.audioTrack?.getSettings().deviceId,
    });
  }

  async #listDevices(): Promise<void> {
    const devices = await listMediaDevices();
    const choice = storedDeviceChoice();
    fillDeviceSelect(this.#cameraSelect, devices.videoInputs, choice.videoDeviceId, 'Camera');
    fillDeviceSelect(this.#micSelect, devices.audioInputs, choice.audioDeviceId, 'Microphone');
  }

  async #switch(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    try {
      await this.#preview?.setDevice(kind, deviceId);
      this.#status.textContent = '';
    } catch (error) {
      this.#status.textContent = describeError(error);
    }
  }

  /**
   * Hands the preview's tracks over for `StageSession.join({ media })` (the session owns and stops
   * them from then on) and resets the picker. Starts the devices first if they are off.
   */
  async takeMedia(): Promise<PublishMediaOptions> {
    await this.start();
    const preview = this.#preview;
    if (!preview) throw new MediaDeviceError('not-found', 'The camera and microphone are not on.');
    const media = preview.handOff();
    preview.stop(); // Only detaches: handed-off tracks keep running.
    this.#preview = undefined;
    this.#video.srcObject = null;
    this.#meter.value = 0;
    this.#startButton.hidden = false;
    this.#startButton.disabled = false;
    this.#selects.hidden = true;
    return media;
  }

  /** Stops the preview (the camera light goes off) and removes listeners. */
  dispose(): void {
    this.#controller.abort();
    this.#preview?.stop();
    this.#preview = undefined;
    this.#video.srcObject = null;
  }
}
