/**
 * Small readers over `RTCStatsReport`s, shared by the active speaker detector and the network quality
 * monitor. Browsers differ in which fields they fill, so every field is optional.
 * (Internal module: not part of the public API.)
 */
import type { Participant } from '../stage/types';

/** One stats entry as a plain record. @internal */
export type StatsEntry = Record<string, unknown> & { type: string; id: string };

/** A number field of a stats entry, or `undefined`. @internal */
export function num(entry: StatsEntry | undefined, key: string): number | undefined {
  const value = entry?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The entries of a report (an empty list for `undefined`). @internal */
export function entries(report: RTCStatsReport | undefined): StatsEntry[] {
  const out: StatsEntry[] = [];
  report?.forEach((value: StatsEntry) => out.push(value));
  return out;
}

/** Reads the stats of a participant's stream of one kind; `undefined` when there are none. @internal */
export async function streamStats(participant: Participant, kind: 'audio' | 'video'): Promise<StatsEntry[] | undefined> {
  const stream = participant.streams.find((s) => s.kind === kind);
  if (!stream?.getStats) return undefined;
  try {
    return entries(await stream.getStats());
  } catch {
    return undefined; // The track is going away; the next round sees it gone.
  }
}

/**
 * Audio energy counters of a stream: `inbound-rtp` (remote) or `media-source` (local), whichever
 * carries `totalAudioEnergy`. @internal
 */
export function audioEnergy(list: readonly StatsEntry[]): { energy: number; duration: number; level: number | undefined } | undefined {
  const entry =
    list.find((e) => e.type === 'inbound-rtp' && e['kind'] === 'audio') ?? list.find((e) => e.type === 'media-source' && e['kind'] === 'audio');
  if (!entry) return undefined;
  return { energy: num(entry, 'totalAudioEnergy') ?? 0, duration: num(entry, 'totalSamplesDuration') ?? 0, level: num(entry, 'audioLevel') };
}
