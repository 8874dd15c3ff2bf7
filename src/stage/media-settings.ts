/**
 * Checks of StageSession's media settings, run before anything reaches a media stack: the simulcast
 * and in-band parts of `publishConfig` (at construction), the `subscribe` option and a strategy's
 * `subscribeSettings`, a layer preference, and the arguments of `sendInBandMessage()`. Limits come
 * from `core/ivs-limits.ts` (Amazon IVS's documented ranges; the local stage applies the same).
 * Loaded with the page (StageSession's constructor uses it); the conversions to the driver's
 * `SubscribeConfiguration` are here too, so both halves of the session share one table.
 */
import { IVS_STAGE_LIMITS as L } from '../core/ivs-limits';
import { ValidationError } from '../core/errors';
import type { DriverJitterBufferMinDelay, DriverSimulcastLayer, DriverStreamConfig, DriverSubscribeConfiguration, SimulcastPreset } from './driver';
import type { PublishConfig } from './media-options';
import type { LayerPreference, SubscribeSettings } from './types';

/** The simulcast presets, by name. */
export const SIMULCAST_PRESETS: readonly SimulcastPreset[] = Object.freeze(['720p', '540p', '480p', '360p', '270p', '180p', '160p']);

const JITTER_PRESETS = ['default', 'low', 'medium', 'high'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkRange(field: string, value: unknown, min: number, max: number, unit: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ValidationError(field, `must be a number from ${min} to ${max} ${unit} (Amazon IVS's limits), got ${JSON.stringify(value)}.`);
  }
}

function checkEnabled(field: string, value: unknown): void {
  if (!isObject(value) || typeof value.enabled !== 'boolean') throw new ValidationError(field, 'must be { enabled: true } or { enabled: false }.');
}

function checkLayer(field: string, layer: unknown): void {
  if (typeof layer === 'string') {
    if (!SIMULCAST_PRESETS.includes(layer as SimulcastPreset)) {
      throw new ValidationError(field, `"${layer}" is not a simulcast preset. Use one of ${SIMULCAST_PRESETS.join(', ')}, or { width, height, maxBitrateKbps, maxFramerate }.`);
    }
    return;
  }
  if (!isObject(layer)) throw new ValidationError(field, 'must be a preset name (e.g. \'360p\') or { width, height, maxBitrateKbps, maxFramerate }.');
  const { width, height, maxBitrateKbps, maxFramerate } = layer as Partial<DriverSimulcastLayer>;
  checkRange(`${field}.width`, width, L.videoMinResolution, L.videoMaxResolution, 'pixels');
  checkRange(`${field}.height`, height, L.videoMinResolution, L.videoMaxResolution, 'pixels');
  checkRange(`${field}.maxBitrateKbps`, maxBitrateKbps, L.videoMinBitrateKbps, L.videoMaxBitrateKbps, 'kbps');
  checkRange(`${field}.maxFramerate`, maxFramerate, L.videoMinFramerate, L.videoMaxFramerate, 'frames/s');
}

/** A custom layer may not exceed the stream's own `maxBitrate` / `maxFramerate` (the SDK throws otherwise). */
function checkLayersWithinStream(video: DriverStreamConfig, layers: readonly (DriverSimulcastLayer | SimulcastPreset)[]): void {
  layers.forEach((layer, i) => {
    if (typeof layer === 'string') return;
    const field = `publishConfig.video.simulcast.layers[${i}]`;
    if (video.maxBitrate !== undefined && layer.maxBitrateKbps > video.maxBitrate) {
      throw new ValidationError(`${field}.maxBitrateKbps`, `is ${layer.maxBitrateKbps} kbps, above publishConfig.video.maxBitrate (${video.maxBitrate}). Lower the layer or raise maxBitrate.`);
    }
    if (video.maxFramerate !== undefined && layer.maxFramerate > video.maxFramerate) {
      throw new ValidationError(`${field}.maxFramerate`, `is ${layer.maxFramerate}, above publishConfig.video.maxFramerate (${video.maxFramerate}). Lower the layer or raise maxFramerate.`);
    }
  });
}

/**
 * Checks the simulcast and in-band parts of a `publishConfig` (the other fields are the media stack's
 * to check). Simulcast: at most 3 layers, each a preset or a custom layer within Amazon IVS's ranges.
 * @throws {ValidationError} naming the field and the allowed values.
 */
export function validatePublishConfig(config: unknown): asserts config is PublishConfig | undefined {
  if (config === undefined) return;
  if (!isObject(config)) throw new ValidationError('publishConfig', 'must be an object like { video: { simulcast: { enabled: true } } }.');
  for (const kind of ['audio', 'video'] as const) {
    const value = config[kind];
    if (value !== undefined && !isObject(value)) throw new ValidationError(`publishConfig.${kind}`, 'must be an object.');
  }
  const video = config.video as DriverStreamConfig | undefined;
  if (video?.simulcast !== undefined) {
    checkEnabled('publishConfig.video.simulcast', video.simulcast);
    const { layers } = video.simulcast;
    if (layers !== undefined) {
      if (!Array.isArray(layers) || layers.length === 0 || layers.length > L.simulcastMaxLayers) {
        throw new ValidationError('publishConfig.video.simulcast.layers', `must be an array of 1 to ${L.simulcastMaxLayers} layers, or left out for the default layers.`);
      }
      layers.forEach((layer, i) => checkLayer(`publishConfig.video.simulcast.layers[${i}]`, layer));
      checkLayersWithinStream(video, layers);
    }
  }
  if (video?.inBandMessaging !== undefined) checkEnabled('publishConfig.video.inBandMessaging', video.inBandMessaging);
}

/**
 * Checks {@link SubscribeSettings} (the `subscribe` option, or what a strategy's `subscribeSettings`
 * returned).
 * @throws {ValidationError} for an unknown field value.
 */
export function validateSubscribeSettings(value: unknown, field = 'subscribe'): SubscribeSettings {
  if (value === undefined) return {};
  if (!isObject(value)) throw new ValidationError(field, 'must be an object like { jitterBufferMinDelay: \'low\' }.');
  const { jitterBufferMinDelay: delay, initialLayer, inBandMessages, subtitles } = value as SubscribeSettings;
  if (delay !== undefined && typeof delay === 'number') {
    checkRange(`${field}.jitterBufferMinDelay`, delay, 0, L.jitterBufferMaxDelayMs, 'ms');
  } else if (delay !== undefined && !JITTER_PRESETS.includes(delay as (typeof JITTER_PRESETS)[number])) {
    throw new ValidationError(`${field}.jitterBufferMinDelay`, `must be ${JITTER_PRESETS.map((p) => `'${p}'`).join(', ')} or a number of ms (0–${L.jitterBufferMaxDelayMs}), got ${JSON.stringify(delay)}.`);
  }
  if (initialLayer !== undefined && initialLayer !== 'lowest' && initialLayer !== 'highest') {
    throw new ValidationError(`${field}.initialLayer`, `must be 'lowest' or 'highest', got ${JSON.stringify(initialLayer)}.`);
  }
  for (const [key, flag] of [['inBandMessages', inBandMessages], ['subtitles', subtitles]] as const) {
    if (flag !== undefined && typeof flag !== 'boolean') throw new ValidationError(`${field}.${key}`, 'must be a boolean.');
  }
  return value as SubscribeSettings;
}

/** The driver's `SubscribeConfiguration` for settings (only the fields the settings give). */
export function toDriverSubscribeConfiguration(settings: SubscribeSettings): DriverSubscribeConfiguration {
  const config: DriverSubscribeConfiguration = {};
  const delay: DriverJitterBufferMinDelay | undefined = settings.jitterBufferMinDelay;
  if (delay !== undefined) config.jitterBuffer = { minDelay: delay };
  if (settings.inBandMessages !== undefined) config.inBandMessaging = { enabled: settings.inBandMessages };
  if (settings.initialLayer !== undefined) {
    config.simulcast = { initialLayerPreference: settings.initialLayer === 'highest' ? 'highest_quality' : 'lowest_quality' };
  }
  return config;
}

/**
 * Checks a {@link LayerPreference}.
 * @throws {ValidationError} for anything but `'auto'`, `'lowest'`, `'highest'` or `{ label }`.
 */
export function validateLayerPreference(value: unknown, field = 'preference'): LayerPreference {
  if (value === 'auto' || value === 'lowest' || value === 'highest') return value;
  if (isObject(value) && typeof value.label === 'string' && value.label !== '') return { label: value.label };
  throw new ValidationError(field, `must be 'auto', 'lowest', 'highest' or { label: string } (a label from stream.layers.available), got ${JSON.stringify(value)}.`);
}

/**
 * The bytes and options of `sendInBandMessage()`: a string is sent as UTF-8; 1 to 1024 bytes;
 * `repeatCount` an integer from 0 to 30.
 * @throws {ValidationError} naming the argument.
 */
export function inBandMessageOf(payload: unknown, options: unknown): { bytes: Uint8Array; repeatCount: number | undefined } {
  let bytes: Uint8Array;
  if (typeof payload === 'string') bytes = new TextEncoder().encode(payload);
  else if (payload instanceof Uint8Array) bytes = payload.slice();
  else if (payload instanceof ArrayBuffer) bytes = new Uint8Array(payload.slice(0));
  else throw new ValidationError('payload', 'must be a Uint8Array, an ArrayBuffer or a string.');
  if (bytes.byteLength < 1 || bytes.byteLength > L.inBandPayloadMaxBytes) {
    throw new ValidationError('payload', `must be 1 to ${L.inBandPayloadMaxBytes} bytes, got ${bytes.byteLength}. Split larger data, or send it over chat.`);
  }
  if (options !== undefined && !isObject(options)) throw new ValidationError('options', 'must be an object like { repeatCount: 2 }.');
  const repeatCount = options?.repeatCount;
  if (repeatCount !== undefined && (!Number.isInteger(repeatCount) || (repeatCount as number) < 0 || (repeatCount as number) > L.inBandRepeatCountMax)) {
    throw new ValidationError('options.repeatCount', `must be an integer from 0 to ${L.inBandRepeatCountMax}, got ${JSON.stringify(repeatCount)}.`);
  }
  return { bytes, repeatCount: repeatCount as number | undefined };
}
