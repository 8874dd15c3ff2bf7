/** Passes what the lobby prepared (the role, the preview's tracks) to the live page, in memory. */
import type { PublishMediaOptions } from 'aws-ivs-realtime';
import type { Role } from './app';

export interface LiveHandOff {
  stageArn: string;
  role: Role;
  /** The preview's camera/microphone (`MediaPreview.handOff()`): the live page's session takes them over. */
  media?: PublishMediaOptions;
  /** The host chose to publish simulcast layers (the "Go live" form). */
  simulcast?: boolean;
}

let pending: LiveHandOff | undefined;

/** Stops the tracks of a hand-off nobody took. */
export function discardMedia(media: PublishMediaOptions | undefined): void {
  media?.tracks?.forEach((track) => track.stop());
}

export function handOff(value: LiveHandOff): void {
  discardMedia(pending?.media);
  pending = value;
}

/** Takes what the lobby left for this stage, if anything (once). */
export function takeHandOff(stageArn: string): LiveHandOff | undefined {
  const value = pending;
  pending = undefined;
  if (value && value.stageArn !== stageArn) {
    discardMedia(value.media);
    return undefined;
  }
  return value;
}
