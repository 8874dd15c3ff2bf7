/**
 * Screen sharing the way IVS models it: the screen is a second participant of the stage, joined with
 * its own token, so every viewer sees it as its own tile.
 */
import { TypedEmitter } from '../core/emitter';
import { InvalidStateError, IvsRealtimeError, MediaDeviceError, StageError, ValidationError, messageOf } from '../core/errors';
import { StageSession } from '../stage/stage-session';
import type { StageFactory } from '../stage/driver';
import type { Participant } from '../stage/types';
import { stopTracks } from '../core/media-devices';

/**
 * The token attribute that marks a screen participant, set by your backend when it mints the screen's
 * token: `attributes: { [SCREEN_SHARE_ATTRIBUTE]: ownerParticipantId }`.
 */
export const SCREEN_SHARE_ATTRIBUTE = 'screenShareOf';

/** The participant id whose screen `participant` is, or `undefined` when it is not a screen share. */
export function screenShareOwner(participant: Pick<Participant, 'attributes'>): string | undefined {
  const owner = participant.attributes[SCREEN_SHARE_ATTRIBUTE];
  return owner === undefined || owner === '' ? undefined : owner;
}

/** What {@link ScreenShareOptions.tokenProvider} is told. */
export interface ScreenShareTokenRequest {
  /** The participant sharing (the owner session's local participant), when an owner session was given. */
  ownerParticipantId: string | undefined;
  ownerUserId: string | undefined;
  /** Attributes to put in the token (`{ screenShareOf: ownerParticipantId }`). */
  attributes: Record<string, string>;
}

/** Options of {@link ScreenShare}. */
export interface ScreenShareOptions {
  /**
   * Returns a participant token with the PUBLISH capability for the screen participant, from your
   * backend (e.g. `HttpControlPlane.mintParticipantToken({ stageArn, userId, attributes })`).
   */
  tokenProvider: (request: ScreenShareTokenRequest) => Promise<string> | string;
  /** The camera session of the person sharing: the share ends when it leaves. */
  owner?: Pick<StageSession, 'localParticipant' | 'on'>;
  /** Also share the tab's/system audio when the browser offers it. Default `false`. */
  audio?: boolean;
  /** Video constraints for `getDisplayMedia`. Default `true`. */
  video?: boolean | MediaTrackConstraints;
  /** Defaults to `navigator.mediaDevices.getDisplayMedia`. */
  getDisplayMedia?: (constraints: DisplayMediaStreamOptions) => Promise<{ getTracks(): MediaStreamTrack[] }>;
  /** Passed to the screen's StageSession (tests, custom drivers). */
  stageFactory?: StageFactory;
}

/** Why a share ended: `stop()`, the browser's "Stop sharing" button, the owner left, or an error. */
export type ScreenShareEndReason = 'user' | 'browser' | 'owner-left' | 'error';

/** Events of a {@link ScreenShare}. */
export interface ScreenShareEvents {
  /** Sharing started: `participantId` is the screen participant's id. */
  started: { participantId: string };
  /** Sharing ended (once per `start()` that resolved). */
  ended: { reason: ScreenShareEndReason; error?: IvsRealtimeError };
}

/**
 * Shares the screen into a stage as an additional participant. `start()` asks the browser for a
 * screen (`getDisplayMedia`), gets a token from `tokenProvider`, and joins a second
 * {@link StageSession} that publishes the screen and subscribes to nobody. The share ends on `stop()`,
 * when the user presses the browser's "Stop sharing" button (the track ends), or when the owner
 * session leaves; the screen tracks are always stopped.
 *
 * On Amazon IVS the screen participant counts toward the stage's 12 publishers, as in the AWS samples.
 *
 * @example
 * ```ts
 * const share = new ScreenShare({
 *   owner: session,
 *   tokenProvider: async ({ attributes }) =>
 *     (await controlPlane.mintParticipantToken({ stageArn, userId: 'ana-screen', attributes })).token,
 * });
 * shareButton.onclick = () => (share.sharing ? share.stop() : share.start());
 * share.on('ended', ({ reason }) => (shareButton.textContent = 'Share screen'));
 * ```
 */
export class ScreenShare extends TypedEmitter<ScreenShareEvents> {
  readonly #options: ScreenShareOptions;
  #session: StageSession | undefined;
  #tracks: MediaStreamTrack[] = [];
  #cleanup: Array<() => void> = [];
  #starting = false;

  constructor(options: ScreenShareOptions) {
    super();
    if (typeof options?.tokenProvider !== 'function') {
      throw new ValidationError('tokenProvider', 'is required: a function that returns a participant token (PUBLISH) for the screen participant.');
    }
    this.#options = options;
  }

  /** Whether a screen is being shared (joined and publishing). */
  get sharing(): boolean {
    return this.#session?.state === 'connected' || this.#session?.state === 'reconnecting';
  }

  /** The screen's own session while sharing. */
  get session(): StageSession | undefined {
    return this.#session;
  }

  /** The screen participant's id while sharing. */
  get participantId(): string | undefined {
    return this.#session?.localParticipant?.id;
  }

  /**
   * Picks a screen and starts sharing it.
   * @throws {MediaDeviceError} the user cancelled the picker (`permission-denied`) or capture is unsupported.
   * @throws {InvalidStateError} already sharing. {@link StageError}/{@link TokenError} joining failed
   *   (the screen capture is stopped).
   */
  async start(): Promise<void> {
    if (this.#starting || this.#session) throw new InvalidStateError('sharing', 'start() was called while a screen is already shared. Call stop() first.');
    this.#starting = true;
    try {
      const capture = this.#options.getDisplayMedia ?? defaultGetDisplayMedia();
      let tracks: MediaStreamTrack[];
      try {
        tracks = (await capture({ video: this.#options.video ?? true, audio: this.#options.audio ?? false })).getTracks();
      } catch (error) {
        throw MediaDeviceError.from(error);
      }
      this.#tracks = tracks;
      const owner = this.#options.owner?.localParticipant;
      const attributes: Record<string, string> = owner ? { [SCREEN_SHARE_ATTRIBUTE]: owner.id } : {};
      let token: string;
      try {
        token = await this.#options.tokenProvider({ ownerParticipantId: owner?.id, ownerUserId: owner?.userId, attributes });
      } catch (cause) {
        throw cause instanceof IvsRealtimeError ? cause : new StageError('join', `The screen share token provider failed: ${messageOf(cause)}`, { cause });
      }
      if (tracks.every((t) => t.readyState === 'ended')) throw new MediaDeviceError('not-found', 'The screen capture ended before sharing started.');
      const session = new StageSession({
        strategy: { shouldSubscribe: () => 'none', shouldPublish: () => true },
        ...(this.#options.stageFactory ? { stageFactory: this.#options.stageFactory } : {}),
      });
      this.#session = session;
      const video = tracks.find((t) => t.kind === 'video');
      const onEnded = () => void this.#end('browser');
      video?.addEventListener('ended', onEnded);
      this.#cleanup.push(() => video?.removeEventListener('ended', onEnded));
      const ownerOff = this.#options.owner?.on('left', () => void this.#end('owner-left'));
      if (ownerOff) this.#cleanup.push(ownerOff);
      this.#cleanup.push(session.on('left', ({ reason, error }) => void this.#end(reason === 'user' ? 'user' : 'error', error)));
      // The session owns (and stops) the screen tracks from here on.
      await session.join({ token, publish: true, media: { tracks, adoptTracks: true } });
      this.emit('started', { participantId: session.localParticipant!.id });
    } catch (error) {
      await this.#teardown();
      throw error;
    } finally {
      this.#starting = false;
    }
  }

  /** Stops sharing (leaves the screen participant, stops the capture). Idempotent. */
  async stop(): Promise<void> {
    await this.#end('user');
  }

  /** Stops sharing and removes every listener. */
  async dispose(): Promise<void> {
    await this.stop();
    this.removeAllListeners();
  }

  async #end(reason: ScreenShareEndReason, error?: IvsRealtimeError): Promise<void> {
    const session = this.#session;
    if (!session || this.#starting) {
      if (this.#starting && reason !== 'error') await this.#teardown(); // Cancelled while starting: start() rejects.
      return;
    }
    await this.#teardown();
    this.emit('ended', error ? { reason, error } : { reason });
  }

  async #teardown(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    for (const off of this.#cleanup.splice(0)) off();
    stopTracks(this.#tracks);
    this.#tracks = [];
    await session?.dispose();
  }
}

function defaultGetDisplayMedia(): NonNullable<ScreenShareOptions['getDisplayMedia']> {
  const devices = (globalThis as { navigator?: { mediaDevices?: { getDisplayMedia?: ScreenShareOptions['getDisplayMedia'] } } }).navigator?.mediaDevices;
  if (typeof devices?.getDisplayMedia !== 'function') {
    throw new MediaDeviceError('unsupported', 'This browser cannot share the screen (no navigator.mediaDevices.getDisplayMedia).');
  }
  return (constraints) => devices.getDisplayMedia!.call(devices, constraints);
}
