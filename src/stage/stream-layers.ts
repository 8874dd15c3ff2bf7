/**
 * What the session shows of a remote stream's simulcast layers and of the media stack's quality
 * figures, built from the driver's `RemoteStageStream` / `requestQualityStats()` shapes: immutable
 * {@link StreamLayers} snapshots (lowest quality first), the resolution of a {@link LayerPreference}
 * against a stream's layers, and {@link StreamQuality} from the SDK's `NetworkQuality`. Pure helpers
 * of the connection engine. (Internal module: not part of the public API.)
 */
import type { DriverQualityStats, DriverRemoteStream, DriverStream, DriverStreamLayer } from './driver';
import type { LayerPreference, StreamLayer, StreamLayers, StreamNetworkQuality, StreamQuality } from './types';

/** `NetworkQuality` 0..4 by value. @internal */
export const NETWORK_QUALITIES: readonly StreamNetworkQuality[] = Object.freeze(['down', 'poor', 'normal', 'good', 'excellent']);

/** @internal */
export function toStreamLayer(layer: DriverStreamLayer | StreamLayer): StreamLayer {
  return Object.freeze({ label: layer.label, width: layer.width, height: layer.height, bitrateBps: layer.bitrateBps, framesPerSecond: layer.framesPerSecond });
}

/** Orders layers by quality: size, then bitrate, then frame rate (what the SDK calls quality). */
function byQuality(a: StreamLayer, b: StreamLayer): number {
  return a.width * a.height - b.width * b.height || a.bitrateBps - b.bitrateBps || a.framesPerSecond - b.framesPerSecond;
}

/** An immutable snapshot. @internal */
export function streamLayers(available: readonly (DriverStreamLayer | StreamLayer)[], selected: DriverStreamLayer | StreamLayer | undefined, adapting: boolean): StreamLayers {
  const sorted = available.map(toStreamLayer).sort(byQuality);
  const chosen = selected === undefined ? undefined : (sorted.find((l) => l.label === selected.label) ?? toStreamLayer(selected));
  return Object.freeze({ available: Object.freeze(sorted), selected: chosen, adapting });
}

/** The layers a driver stream reports now; `undefined` when it sends none (no simulcast, or audio). @internal */
export function layersOf(stream: DriverStream): StreamLayers | undefined {
  const remote: DriverRemoteStream = stream;
  const layers = typeof remote.getLayers === 'function' ? remote.getLayers() : undefined;
  if (!layers || layers.length === 0) return undefined;
  return streamLayers(layers, remote.getSelectedLayer?.(), remote.isAdapting ?? true);
}

function sameLayer(a: StreamLayer | undefined, b: StreamLayer | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.label === b.label && a.width === b.width && a.height === b.height && a.bitrateBps === b.bitrateBps && a.framesPerSecond === b.framesPerSecond;
}

/** Whether two snapshots say the same. @internal */
export function sameLayers(a: StreamLayers | undefined, b: StreamLayers | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.adapting === b.adapting &&
    sameLayer(a.selected, b.selected) &&
    a.available.length === b.available.length &&
    a.available.every((layer, i) => sameLayer(layer, b.available[i]))
  );
}

/**
 * What to answer the driver's `preferredLayerForStream` for a preference: a label of `stream`'s layers,
 * or `null` (let the server adapt: `'auto'`, or no layers to choose from yet).
 * @internal
 */
export function resolveLayerPreference(preference: LayerPreference, layers: StreamLayers | undefined): string | null {
  if (preference === 'auto') return null;
  if (typeof preference === 'object') return preference.label;
  const available = layers?.available ?? [];
  const layer = preference === 'lowest' ? available[0] : available[available.length - 1];
  return layer?.label ?? null;
}

/**
 * The media stack's quality of a stream: the worst `networkQuality` of its stats entries (one per
 * layer or track) and the first `qualityLimitationReason`. `undefined` when no entry rates the network
 * or the call fails (the stream may just have been unpublished).
 * @internal
 */
export async function streamQuality(stream: DriverStream): Promise<StreamQuality | undefined> {
  let stats: readonly DriverQualityStats[] | undefined;
  try {
    stats = await stream.requestQualityStats?.();
  } catch {
    return undefined;
  }
  let worst: number | undefined;
  let reason: string | undefined;
  for (const entry of stats ?? []) {
    const value = entry.networkQuality;
    if (typeof value === 'number' && value >= 0 && value <= 4) worst = Math.min(worst ?? 4, Math.floor(value));
    if (reason === undefined && typeof entry.qualityLimitationReason === 'string') reason = entry.qualityLimitationReason;
  }
  if (worst === undefined) return undefined;
  const networkQuality = NETWORK_QUALITIES[worst]!;
  return Object.freeze(reason === undefined ? { networkQuality } : { networkQuality, qualityLimitationReason: reason });
}

/** An SEI uuid as 32 lowercase hex digits. @internal */
export function uuidHex(uuid: ArrayBuffer | ArrayBufferView): string {
  const bytes = uuid instanceof ArrayBuffer ? new Uint8Array(uuid) : new Uint8Array(uuid.buffer, uuid.byteOffset, uuid.byteLength);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
