/** Texts of the grid and how it names participants: the parts of StageGrid an app can reuse. */
import type { Participant } from '../stage/types';

/** Texts the grid shows or announces; pass some or all of them to translate the grid. */
export interface StageGridLabels {
  /** Accessible name of the grid. */
  grid: string;
  /** Appended to the local participant's name. */
  you: string;
  /** Mark shown (and announced) when a participant's microphone is muted or absent. */
  micMuted: string;
  /** Mark shown (and announced) when a participant's camera is off or absent. */
  cameraOff: string;
  connecting: string;
  reconnecting: string;
  disconnected: string;
  /** The single button shown when the browser refused to start playback. */
  clickToPlay: string;
  /** Accessible name of a tile's pin button; `{name}` is replaced by the participant's name. */
  pin: string;
  /** Badge shown (and announced) when a participant's network quality is `poor`. */
  networkPoor: string;
  /** Badge shown (and announced) when a participant's network quality is `lost`. */
  networkLost: string;
  previousPage: string;
  nextPage: string;
  /** Page indicator; `{page}` and `{count}` are replaced by numbers. */
  page: string;
}

/** English defaults of {@link StageGridLabels}. */
export const DEFAULT_STAGE_GRID_LABELS: Readonly<StageGridLabels> = Object.freeze({
  grid: 'Stage participants',
  you: 'you',
  micMuted: 'Muted',
  cameraOff: 'Camera off',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  clickToPlay: 'Click to play',
  pin: 'Pin {name}',
  networkPoor: 'Poor connection',
  networkLost: 'Connection lost',
  previousPage: 'Previous page',
  nextPage: 'Next page',
  page: 'Page {page} of {count}',
});

/**
 * Optional indicator fields the grid reads from a participant snapshot when they are present
 * (`Participant & ParticipantIndicators`). A field that is absent falls back to the source's
 * `speakersChanged` / `qualityChanged` events (see `StageGridSourceEvents`).
 */
export interface ParticipantIndicators {
  /** Whether the participant is speaking now. */
  readonly speaking?: boolean;
  /** Current audio level, 0 (silence) to 1. */
  readonly audioLevel?: number;
  /** `poor` and `lost` show a badge; `good` and `unknown` show none. */
  readonly networkQuality?: 'good' | 'poor' | 'lost' | 'unknown';
}

/**
 * The name shown for a participant: its `displayName` attribute, else `name`, else its `userId`,
 * else its participant id (empty and blank values are skipped).
 */
export function defaultDisplayName(participant: Participant): string {
  const candidates = [participant.attributes['displayName'], participant.attributes['name'], participant.userId, participant.id];
  for (const candidate of candidates) {
    if (candidate !== undefined && candidate.trim() !== '') return candidate.trim();
  }
  return participant.id;
}

/** Up to two initials of a name, Unicode-aware ("ada lovelace" → "AL", "Émile" → "É"). */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter((word) => word !== '');
  const letters = words.slice(0, 2).map((word) => Array.from(word)[0] ?? '');
  return letters.join('').toUpperCase() || '?';
}

