import { ValidationError } from '../core/errors';
import type { LayerPreference, Participant, ResolvedStrategy, StreamLayers, SubscribeDecision, SubscribeSettings } from './types';

export type { ResolvedStrategy, SubscribeDecision } from './types';

/**
 * A custom strategy: decides what to receive from each remote participant and whether the local
 * participant publishes. Both functions see this SDK's immutable {@link Participant} snapshots, never
 * the media SDK's objects. They are called by the media stack, often, and must be fast and pure.
 *
 * The session adds its own rules on top: a token without `SUBSCRIBE` never subscribes, a token without
 * `PUBLISH` never publishes, and nothing is published until the session is publishing
 * (`join({ publish: true })` or `setPublishing(true)`).
 *
 * @example
 * ```ts
 * // Receive video only from hosts, audio from everyone.
 * const strategy: SessionStrategy = {
 *   shouldSubscribe: (p) => (p.attributes.role === 'host' ? 'audio-video' : 'audio'),
 * };
 * ```
 */
export interface SessionStrategy {
  /** What to receive from a remote participant. Default: `'audio-video'`. */
  shouldSubscribe?(participant: Participant): SubscribeDecision;
  /** Whether the local participant publishes while the session is publishing. Default: `true`. */
  shouldPublish?(localParticipant: Participant): boolean;
  /**
   * How to receive a remote participant, merged over the session's `subscribe` option. Read when a
   * subscription starts (and on `refresh()`).
   */
  subscribeSettings?(participant: Participant): SubscribeSettings;
  /**
   * Which simulcast layer to receive from a participant, given its layers now. Asked whenever the
   * set of layers changes and on `refresh()`; `setPreferredLayer()` wins over it. Default `'auto'`.
   * An answer that is not a {@link LayerPreference} (or a throw) is reported as an `error` event and
   * counts as `'auto'`.
   */
  preferredLayer?(participant: Participant, layers: StreamLayers): LayerPreference;
}

/**
 * A built-in strategy name or a {@link SessionStrategy}:
 * - `'host'`: publish (when publishing) and receive audio and video from everyone;
 * - `'viewer'`: never publish, receive audio and video;
 * - `'audio-only'`: publish (when publishing) and receive only audio (saves bandwidth).
 */
export type StrategyOption = 'host' | 'viewer' | 'audio-only' | SessionStrategy;

const BUILT_IN: Record<'host' | 'viewer' | 'audio-only', ResolvedStrategy> = {
  host: { shouldSubscribe: () => 'audio-video', shouldPublish: () => true },
  viewer: { shouldSubscribe: () => 'audio-video', shouldPublish: () => false },
  'audio-only': { shouldSubscribe: () => 'audio', shouldPublish: () => true },
};

/**
 * Turns a {@link StrategyOption} into a strategy with both decisions defined.
 * @throws {ValidationError} for an unknown name or a value that is not a strategy object.
 */
export function resolveStrategy(option: StrategyOption | undefined): ResolvedStrategy {
  if (option === undefined) return BUILT_IN.host;
  if (typeof option === 'string') {
    const builtIn = (BUILT_IN as Record<string, ResolvedStrategy | undefined>)[option];
    if (!builtIn) throw new ValidationError('strategy', `Unknown strategy "${option}". Use 'host', 'viewer', 'audio-only' or an object with shouldSubscribe/shouldPublish.`);
    return builtIn;
  }
  if (typeof option !== 'object' || option === null) {
    throw new ValidationError('strategy', 'must be \'host\', \'viewer\', \'audio-only\' or an object with shouldSubscribe/shouldPublish.');
  }
  const { shouldSubscribe, shouldPublish, subscribeSettings, preferredLayer } = option;
  for (const [name, fn] of Object.entries({ shouldSubscribe, shouldPublish, subscribeSettings, preferredLayer })) {
    if (fn !== undefined && typeof fn !== 'function') throw new ValidationError(`strategy.${name}`, 'must be a function.');
  }
  const resolved: ResolvedStrategy = {
    shouldSubscribe: shouldSubscribe ? (p) => shouldSubscribe.call(option, p) : BUILT_IN.host.shouldSubscribe,
    shouldPublish: shouldPublish ? (p) => shouldPublish.call(option, p) : BUILT_IN.host.shouldPublish,
  };
  if (subscribeSettings) resolved.subscribeSettings = (p) => subscribeSettings.call(option, p);
  if (preferredLayer) resolved.preferredLayer = (p, layers) => preferredLayer.call(option, p, layers);
  return resolved;
}

/** Maps a decision to the driver's `SubscribeType` value. @internal */
export function toDriverSubscribeType(decision: SubscribeDecision): 'none' | 'audio_only' | 'audio_video' {
  switch (decision) {
    case 'audio-video':
      return 'audio_video';
    case 'audio':
      return 'audio_only';
    case 'none':
      return 'none';
    default:
      throw new ValidationError('strategy.shouldSubscribe', `returned ${JSON.stringify(decision)}; expected 'none', 'audio' or 'audio-video'.`);
  }
}
