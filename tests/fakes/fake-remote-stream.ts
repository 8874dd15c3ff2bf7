/**
 * The simulcast, quality and in-band parts of amazon-ivs-web-broadcast's public stream types, modelled
 * thinly from their `.d.ts` comments (a fake of the AWS stage media service's side, which cannot be
 * reached offline):
 * - `RemoteStageStream`: `getLayers()` (the layers the publisher sends, which "will change"),
 *   `getSelectedLayer()`, `getLowestQualityLayer()` / `getHighestQualityLayer()`, `isAdapting`
 *   ("true: getSelectedLayer is the server selected layer; false: the app selected layer");
 * - `requestQualityStats()` on local and remote streams: entries with `networkQuality` (4 EXCELLENT …
 *   0 DOWN) and, for local video, `qualityLimitationReason`;
 * - `LocalStageStream.insertSeiMessage()`: needs `inBandMessaging` enabled in the stream's video
 *   configuration, payload 1 byte to 1 KB, `repeatCount` 0–30.
 */
import type { DriverQualityStats, DriverRemoteStream, DriverStreamLayer } from '../../src/stage/driver';

/** A `StageStreamLayer`. */
export function streamLayer(label: string, width: number, height: number, bitrateBps: number, framesPerSecond = 30): DriverStreamLayer {
  return { label, width, height, bitrateBps, framesPerSecond, selected: false };
}

/** Three layers as a 720p simulcast publisher sends them (SDK order: not sorted). */
export function threeLayers(): DriverStreamLayer[] {
  return [streamLayer('high', 1280, 720, 2_500_000), streamLayer('low', 320, 180, 250_000), streamLayer('mid', 640, 360, 700_000)];
}

function quality(layer: DriverStreamLayer): number {
  return layer.width * layer.height;
}

/** A `RemoteStageStream` stand-in. */
export class FakeRemoteStream implements DriverRemoteStream {
  readonly id: string;
  readonly streamType: 'audio' | 'video';
  readonly mediaStreamTrack: MediaStreamTrack;
  isMuted = false;
  isAdapting = true;
  layers: DriverStreamLayer[] = [];
  selected: DriverStreamLayer | undefined;
  /** What `requestQualityStats()` answers; a function may throw. */
  qualityStats: DriverQualityStats[] | undefined | (() => DriverQualityStats[] | undefined) = undefined;
  qualityCalls = 0;

  constructor(kind: 'audio' | 'video', track: MediaStreamTrack, id = `remote-${track.id}`) {
    this.id = id;
    this.streamType = kind;
    this.mediaStreamTrack = track;
  }

  getLayers(): DriverStreamLayer[] {
    return this.layers.map((l) => ({ ...l, selected: l.label === this.selected?.label }));
  }

  getSelectedLayer(): DriverStreamLayer | undefined {
    return this.selected && { ...this.selected, selected: true };
  }

  getLowestQualityLayer(): DriverStreamLayer | undefined {
    return [...this.layers].sort((a, b) => quality(a) - quality(b))[0];
  }

  getHighestQualityLayer(): DriverStreamLayer | undefined {
    return [...this.layers].sort((a, b) => quality(b) - quality(a))[0];
  }

  async requestQualityStats(): Promise<DriverQualityStats[] | undefined> {
    this.qualityCalls++;
    return typeof this.qualityStats === 'function' ? this.qualityStats() : this.qualityStats;
  }
}
