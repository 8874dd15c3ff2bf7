/** Passes what the lobby prepared (the role, the preview's tracks) to the live page, in memory. */
import type { Role } from './app';

export interface LiveHandOff {
  stageArn: string;
  role: Role;
  /** Camera/microphone tracks from the preview; the live page owns them from now on. */
  tracks?: MediaStreamTrack[];
}

let pending: LiveHandOff | undefined;

export function handOff(value: LiveHandOff): void {
  pending?.tracks?.forEach((track) => track.stop());
  pending = value;
}

/** Takes what the lobby left for this stage, if anything (once). */
export function takeHandOff(stageArn: string): LiveHandOff | undefined {
  const value = pending;
  pending = undefined;
  if (value && value.stageArn !== stageArn) {
    value.tracks?.forEach((track) => track.stop());
    return undefined;
  }
  return value;
}
