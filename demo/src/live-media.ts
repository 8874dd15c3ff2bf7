/**
 * Media controls of the live page, beyond publish and mute:
 *
 * - camera, microphone and speaker pickers that switch while live (`DeviceManager`: the published
 *   track is replaced, nobody reconnects), and a notice when a device in use is unplugged;
 * - "Share screen" (`ScreenShare`: the screen joins the stage as a second participant with its own
 *   token, which the backend mints for the stage's host only).
 */
import {
  DeviceManager,
  MediaDeviceError,
  ScreenShare,
  canSelectAudioOutput,
  type ControlPlane,
  type DeviceKind,
  type StageSession,
} from 'aws-ivs-realtime';
import { fillDeviceSelect, rememberDeviceChoice } from './devices';
import { describeError, field, h } from './dom';

const NOUN: Record<DeviceKind, string> = { videoinput: 'Camera', audioinput: 'Microphone', audiooutput: 'Speaker' };

export interface LiveDevicesOptions {
  session: StageSession;
  /** Show the camera and microphone pickers (the user publishes). */
  publisher: boolean;
  /** Where remote audio plays (the grid's container): follows the speaker picker. */
  output: ParentNode;
  /** Tells the user something (a device was unplugged, a switch failed). */
  notify: (text: string) => void;
  signal: AbortSignal;
}

/** Device pickers that work while live. Call {@link LiveDevices.refresh} once joined. */
export class LiveDevices {
  readonly element: HTMLElement;
  readonly #manager: DeviceManager;
  readonly #session: StageSession;
  readonly #notify: (text: string) => void;
  readonly #selects = new Map<DeviceKind, HTMLSelectElement>();

  constructor(options: LiveDevicesOptions) {
    const { session, publisher, output, notify, signal } = options;
    this.#session = session;
    this.#notify = notify;
    this.#manager = new DeviceManager({ session });
    const kinds: DeviceKind[] = [...(publisher ? (['videoinput', 'audioinput'] as const) : []), ...(canSelectAudioOutput() ? (['audiooutput'] as const) : [])];
    this.element = h('div', { class: 'devices-live', attrs: { role: 'group', 'aria-label': 'Devices', hidden: kinds.length === 0 } });
    for (const kind of kinds) {
      const select = h('select', { attrs: { name: kind, disabled: true } });
      select.addEventListener('change', () => void this.#select(kind, select.value), { signal });
      this.#selects.set(kind, select);
      this.element.append(field(NOUN[kind], select));
    }
    if (kinds.includes('audiooutput')) this.#manager.attachOutput(output);

    this.#manager.on('devicesChanged', () => this.#render());
    this.#manager.on('selectionChanged', () => this.#render());
    this.#manager.on('deviceLost', ({ kind, label, fallbackDeviceId }) => {
      const what = label || `The ${NOUN[kind].toLowerCase()}`;
      notify(fallbackDeviceId === undefined ? `${what} was disconnected, and no other ${NOUN[kind].toLowerCase()} is available.` : `${what} was disconnected. Switched to the default ${NOUN[kind].toLowerCase()}.`);
    });
    this.#manager.on('error', ({ error }) => notify(error.message));
    for (const event of ['publishingChanged', 'streamsChanged', 'stateChanged'] as const) session.on(event, () => this.#render(), { signal });
    signal.addEventListener('abort', () => this.#manager.dispose(), { once: true });
  }

  /** Lists the devices (labels are known once the camera/microphone permission is granted). */
  async refresh(): Promise<void> {
    if (this.#selects.size === 0) return;
    try {
      await this.#manager.refresh();
      this.#render();
    } catch (error) {
      this.#notify(describeError(error));
    }
  }

  /** The device in use per kind: the picked one, else the one the published track came from. */
  #current(kind: DeviceKind): string | undefined {
    const picked = this.#manager.selected[kind];
    if (picked !== undefined) return picked;
    const local = this.#session.localParticipant;
    if (kind === 'videoinput') return local?.videoTrack?.getSettings().deviceId;
    if (kind === 'audioinput') return local?.audioTrack?.getSettings().deviceId;
    return 'default';
  }

  #render(): void {
    const { audioInputs, videoInputs, audioOutputs } = this.#manager.devices;
    const lists: Record<DeviceKind, readonly MediaDeviceInfo[]> = { audioinput: audioInputs, videoinput: videoInputs, audiooutput: audioOutputs };
    const local = this.#session.localParticipant;
    for (const [kind, select] of this.#selects) {
      if (document.activeElement !== select || select.options.length === 0) fillDeviceSelect(select, lists[kind], this.#current(kind), NOUN[kind]);
      // A camera/microphone can be switched while it is published (the track is replaced in place).
      const published = kind === 'videoinput' ? local?.videoTrack : kind === 'audioinput' ? local?.audioTrack : true;
      select.disabled = lists[kind].length === 0 || !published || (kind !== 'audiooutput' && !this.#session.publishing);
    }
  }

  async #select(kind: DeviceKind, deviceId: string): Promise<void> {
    const select = this.#selects.get(kind);
    if (select) select.disabled = true;
    try {
      await this.#manager.select(kind, deviceId);
      if (kind === 'videoinput') rememberDeviceChoice({ videoDeviceId: deviceId });
      if (kind === 'audioinput') rememberDeviceChoice({ audioDeviceId: deviceId });
    } catch (error) {
      this.#notify(`Could not switch the ${NOUN[kind].toLowerCase()}: ${describeError(error)}`);
    } finally {
      this.#render();
    }
  }
}

export interface ScreenShareControlOptions {
  session: StageSession;
  controlPlane: ControlPlane;
  stageArn: string;
  userId: string;
  displayName: string;
  notify: (text: string) => void;
  signal: AbortSignal;
}

/** The user id of a user's screen participant (the backend mints screen tokens for this id only). */
export const screenUserId = (userId: string) => `${userId}/screen`;

/** Whether this browser can share a screen (phones cannot). */
export function canShareScreen(): boolean {
  return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/** "Share screen" / "Stop sharing": a toggle button around a `ScreenShare`. */
export class ScreenShareControl {
  readonly button: HTMLButtonElement;
  readonly #share: ScreenShare;
  #busy = false;

  constructor(options: ScreenShareControlOptions) {
    const { session, controlPlane, stageArn, userId, displayName, notify, signal } = options;
    this.#share = new ScreenShare({
      owner: session,
      // The backend checks that the caller hosts this stage, and marks the token as a screen.
      tokenProvider: async ({ attributes }) =>
        (
          await controlPlane.mintParticipantToken(
            { stageArn, userId: screenUserId(userId), attributes: { ...attributes, displayName: `${displayName}’s screen` }, capabilities: ['PUBLISH'] },
            { signal },
          )
        ).token,
    });
    this.button = h('button', {
      class: 'toggle',
      text: 'Share screen',
      attrs: { type: 'button', 'aria-pressed': 'false' },
      on: { click: () => void this.#toggle(notify) },
      signal,
    });
    this.#share.on('ended', ({ reason, error }) => {
      this.#render();
      if (reason === 'error') notify(`Screen sharing stopped: ${error?.message ?? 'the connection was lost.'}`);
    });
    signal.addEventListener('abort', () => void this.#share.dispose(), { once: true });
  }

  /** Enables the button while the camera session is connected. */
  setEnabled(enabled: boolean): void {
    this.button.disabled = !enabled || this.#busy;
    if (!enabled && this.#share.sharing) void this.#share.stop();
  }

  async #toggle(notify: (text: string) => void): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#render();
    try {
      if (this.#share.sharing) await this.#share.stop();
      else await this.#share.start();
    } catch (error) {
      // Closing the browser's screen picker is a choice, not an error.
      if (!(error instanceof MediaDeviceError && error.reason === 'permission-denied')) notify(`Could not share the screen: ${describeError(error)}`);
    } finally {
      this.#busy = false;
      this.#render();
    }
  }

  #render(): void {
    const sharing = this.#share.sharing;
    this.button.textContent = this.#busy && !sharing ? 'Starting…' : sharing ? 'Stop sharing' : 'Share screen';
    this.button.setAttribute('aria-pressed', String(sharing));
    this.button.disabled = this.#busy;
  }
}
