/**
 * The option types of `StageSession` (constructor and `join()`), apart from the class so that
 * both read on their own. Types only.
 */
import type { Logger } from '../core/logger';
import type { MediaDevicesLike } from '../core/media-devices';
import type { StageFactory } from './driver';
import type { PublishConfig, PublishMediaOptions } from './media-options';
import type { StrategyOption } from './strategies';
import type { SubscribeSettings } from './types';

export type { SubscribeSettings } from './types';

/** Options of the {@link StageSession} constructor. */
export interface StageSessionOptions {
  /**
   * Picks the media stack for a token. Default: `defaultStageFactory` (ivs-local tokens use the
   * local driver, all others Amazon IVS via `amazon-ivs-web-broadcast`, loaded on first join).
   */
  stageFactory?: StageFactory;
  /** What to publish and subscribe to. Default `'host'`. Change later with `setStrategy()`. */
  strategy?: StrategyOption;
  /** Source of camera/microphone tracks. Default: `navigator.mediaDevices`, read when first needed. */
  mediaDevices?: MediaDevicesLike;
  /** Encoder settings per kind for published streams (bitrate, frame rate, simulcast, stereo). */
  publishConfig?: PublishConfig;
  /** How to receive everyone (jitter buffer, first simulcast layer, in-band messages, subtitles). */
  subscribe?: SubscribeSettings;
  /** Receives diagnostics: an event listener that throws is reported to `logger.error` (default: `console`). */
  logger?: Logger;
  /**
   * Called when an event listener throws (default: `console.error`). The session state is unaffected.
   * @deprecated Use `logger`; this wins over it when both are given.
   */
  onListenerError?: (error: unknown, event: string) => void;
}

/** Options of {@link StageSession.join}. */
export interface JoinOptions {
  /** A participant token from CreateParticipantToken (or ivs-local). */
  token: string;
  /** Publish camera/microphone once connected. Needs the token's `PUBLISH` capability. */
  publish: boolean;
  /** What to publish when `publish` is true. Default: camera and microphone. */
  media?: PublishMediaOptions;
  /** Cancels the join: it rejects with {@link AbortedError} and everything acquired is released. */
  signal?: AbortSignal;
}
