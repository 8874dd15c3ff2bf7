/**
 * Simulcast publishing on the local stage: the layer presets, the `sendEncodings` of a simulcast
 * video transceiver (rids `low`/`mid`/`high`, lowest quality first), and the RFC 8851 restrictions
 * (`a=rid:<rid> send max-width=…;max-height=…;max-br=…;max-fps=…`) added to the WHIP offer, which
 * Chromium does not write itself (`docs/local-stage-protocol.md`).
 */
import { ValidationError } from '../core/errors';
import type { DriverSimulcastLayer, DriverStreamConfig, SimulcastPreset } from '../stage/driver';

/** The local stage's simulcast presets (README, "Simulcast and in-band messages on the local stage"). */
export const LOCAL_SIMULCAST_PRESETS: Readonly<Record<SimulcastPreset, DriverSimulcastLayer>> = {
  '720p': { width: 1280, height: 720, maxBitrateKbps: 2500, maxFramerate: 30 },
  '540p': { width: 960, height: 540, maxBitrateKbps: 1500, maxFramerate: 30 },
  '480p': { width: 854, height: 480, maxBitrateKbps: 1000, maxFramerate: 30 },
  '360p': { width: 640, height: 360, maxBitrateKbps: 700, maxFramerate: 30 },
  '270p': { width: 480, height: 270, maxBitrateKbps: 400, maxFramerate: 30 },
  '180p': { width: 320, height: 180, maxBitrateKbps: 250, maxFramerate: 30 },
  '160p': { width: 284, height: 160, maxBitrateKbps: 200, maxFramerate: 30 },
};

/** At most three layers, as on Amazon IVS. */
export const MAX_SIMULCAST_LAYERS = 3;

/** One layer to send: its rid, its encoding and the restrictions written into the offer. */
export interface SimulcastEncoding {
  readonly rid: string;
  readonly encoding: RTCRtpEncodingParameters & { rid: string };
  readonly width: number;
  readonly height: number;
  readonly maxBitrateBps: number;
  readonly maxFramerate: number;
}

const RIDS: Record<number, readonly string[]> = { 1: ['low'], 2: ['low', 'high'], 3: ['low', 'mid', 'high'] };

/** The default layers (`simulcast: { enabled: true }` without layers): 1/4, 1/2 and the full track. */
const DEFAULT_SHAPE = [
  { scale: 4, preset: LOCAL_SIMULCAST_PRESETS['180p'] },
  { scale: 2, preset: LOCAL_SIMULCAST_PRESETS['360p'] },
  { scale: 1, preset: LOCAL_SIMULCAST_PRESETS['720p'] },
] as const;

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/**
 * The configured layers, resolved and checked (presets by name, at most three, positive numbers),
 * lowest quality first. Throws a {@link ValidationError} naming the bad entry.
 */
export function resolveSimulcastLayers(simulcast: DriverStreamConfig['simulcast']): DriverSimulcastLayer[] | undefined {
  if (!simulcast?.enabled || simulcast.layers === undefined) return undefined;
  if (!Array.isArray(simulcast.layers)) throw new ValidationError('simulcast.layers', 'simulcast.layers must be an array of presets or { width, height, maxBitrateKbps, maxFramerate } layers.');
  if (simulcast.layers.length === 0 || simulcast.layers.length > MAX_SIMULCAST_LAYERS) {
    throw new ValidationError('simulcast.layers', `simulcast.layers needs 1 to ${MAX_SIMULCAST_LAYERS} layers, got ${simulcast.layers.length}.`);
  }
  const layers = simulcast.layers.map((layer, index) => {
    if (typeof layer === 'string') {
      const preset = Object.hasOwn(LOCAL_SIMULCAST_PRESETS, layer) ? LOCAL_SIMULCAST_PRESETS[layer as SimulcastPreset] : undefined;
      if (!preset) throw new ValidationError(`simulcast.layers[${index}]`, `Unknown simulcast preset ${JSON.stringify(layer)}; use one of ${Object.keys(LOCAL_SIMULCAST_PRESETS).join(', ')}.`);
      return preset;
    }
    const fields = ['width', 'height', 'maxBitrateKbps', 'maxFramerate'] as const;
    const bad = fields.find((field) => !isPositive((layer as unknown as Record<string, unknown> | null)?.[field]));
    if (bad) throw new ValidationError(`simulcast.layers[${index}].${bad}`, `Each simulcast layer needs a positive ${fields.join(', ')}; ${bad} is ${JSON.stringify((layer as unknown as Record<string, unknown> | null)?.[bad])}.`);
    return layer;
  });
  return layers.sort((a, b) => a.width * a.height - b.width * b.height || a.maxBitrateKbps - b.maxBitrateKbps);
}

function trackSize(track: MediaStreamTrack): { width: number; height: number } | undefined {
  const settings = typeof track.getSettings === 'function' ? track.getSettings() : undefined;
  return isPositive(settings?.width) && isPositive(settings?.height) ? { width: settings.width, height: settings.height } : undefined;
}

/**
 * The `sendEncodings` of a simulcast video track (lowest quality first), or `undefined` when the
 * config does not ask for simulcast (or asks for a single layer: a plain encoding then).
 * `scaleResolutionDownBy` fits each layer into its size, from the track's current settings.
 */
export function simulcastEncodings(track: MediaStreamTrack, config: DriverStreamConfig | undefined): SimulcastEncoding[] | undefined {
  if (!config?.simulcast?.enabled) return undefined;
  const size = trackSize(track);
  const configured = resolveSimulcastLayers(config.simulcast);
  if (configured && configured.length < 2) return undefined;
  const top = configured?.[configured.length - 1];
  const layers = configured
    ? configured.map((layer) => {
        // Without the track's size, scale relative to the top layer.
        const base = size ?? { width: top!.width, height: top!.height };
        return { layer, scale: Math.max(1, base.width / layer.width, base.height / layer.height) };
      })
    : DEFAULT_SHAPE.map(({ scale, preset }) => ({ layer: { ...preset, ...(size ? { width: size.width / scale, height: size.height / scale } : {}) }, scale }));
  const rids = RIDS[layers.length]!;
  return layers.map(({ layer, scale }, index) => {
    const rid = rids[index]!;
    const width = Math.round(size ? size.width / scale : layer.width);
    const height = Math.round(size ? size.height / scale : layer.height);
    return {
      rid,
      encoding: { rid, active: true, scaleResolutionDownBy: scale, maxBitrate: layer.maxBitrateKbps * 1000, maxFramerate: layer.maxFramerate },
      width,
      height,
      maxBitrateBps: layer.maxBitrateKbps * 1000,
      maxFramerate: layer.maxFramerate,
    };
  });
}

/**
 * Adds the RFC 8851 restrictions of `encodings` to the `a=rid:<rid> send` lines of the offer's video
 * sections (a line that already has restrictions is left as is).
 */
export function withRidRestrictions(sdp: string, encodings: readonly SimulcastEncoding[]): string {
  const byRid = new Map(encodings.map((e) => [e.rid, e]));
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  let inVideo = false;
  return sdp
    .split(eol)
    .map((line) => {
      if (line.startsWith('m=')) inVideo = line.startsWith('m=video');
      const match = inVideo ? /^a=rid:(\S+) send$/.exec(line) : null;
      const encoding = match ? byRid.get(match[1]!) : undefined;
      if (!encoding) return line;
      return `${line} max-width=${encoding.width};max-height=${encoding.height};max-br=${encoding.maxBitrateBps};max-fps=${encoding.maxFramerate}`;
    })
    .join(eol);
}
