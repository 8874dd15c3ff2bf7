/**
 * The strategy adapter of the connection engine (`stage-connection.ts`): the `DriverStrategy` handed
 * to one connection's stage asks the session's current strategy, and reports a strategy that throws
 * as an `error` event (answering the safe default, nothing). Loaded with the engine. (Internal module: not part of the public API.)
 */
import { ValidationError, messageOf } from '../core/errors';
import type { ParticipantTokenClaims } from '../core/token';
import type { DriverParticipantInfo, DriverRemoteStream, DriverStrategy, DriverSubscribeConfiguration, DriverSubscribeStreamType, DriverSubscribeType } from './driver';
import type { LocalMedia } from './local-media';
import { localFromClaims } from './local-participant';
import { participantFromInfo, type ParticipantStore } from './participant-store';
import { toDriverSubscribeConfiguration, validateLayerPreference, validateSubscribeSettings } from './media-settings';
import { toDriverSubscribeType } from './strategies';
import { layersOf, resolveLayerPreference } from './stream-layers';
import type { EngineHost, LayerPreference, SubscribeSettings } from './types';

/** What the strategy of one connection reads. @internal */
export interface DriverStrategyContext {
  readonly host: EngineHost;
  readonly store: ParticipantStore;
  readonly media: LocalMedia;
  /** The connection's current token claims (they change with exchangeToken). */
  claims(): ParticipantTokenClaims;
  /** False once the connection is over: the media stack may still ask, and gets "nothing". */
  live(): boolean;
  isLocal(claims: ParticipantTokenClaims, info: DriverParticipantInfo): boolean;
}

/** The strategy handed to one connection's stage. @internal */
export function createDriverStrategy(context: DriverStrategyContext): DriverStrategy {
  const { host, media, live } = context;
  return {
    stageStreamsToPublish: () => (live() && host.publishing ? [...media.streams] : []),
    shouldPublishParticipant: () => live() && shouldPublish(context),
    shouldSubscribeToParticipant: (info) => (live() ? subscribeType(context, info) : 'none'),
    subscribeConfiguration: (info) => (live() ? toDriverSubscribeConfiguration(subscribeSettings(context, info)) : ({} satisfies DriverSubscribeConfiguration)),
    preferredLayerForStream: (info, stream) => (live() ? preferredLayer(context, info, stream) : null),
  };
}

/** The session's `subscribe` option with the strategy's `subscribeSettings` for `info` merged over it. */
function subscribeSettings(context: DriverStrategyContext, info: DriverParticipantInfo): SubscribeSettings {
  const { host, store } = context;
  if (!host.strategy.subscribeSettings) return host.subscribe;
  try {
    const own = validateSubscribeSettings(host.strategy.subscribeSettings(store.get(info.id) ?? participantFromInfo(info)), 'strategy.subscribeSettings()');
    return { ...host.subscribe, ...own };
  } catch (cause) {
    reportStrategyError(host, 'subscribeSettings', cause, 'the session option alone');
    return host.subscribe;
  }
}

/** `setPreferredLayer()`'s choice, else the strategy's, resolved against the stream's layers now. */
function preferredLayer(context: DriverStrategyContext, info: DriverParticipantInfo, stream: DriverRemoteStream): string | null {
  const { host, store } = context;
  const layers = layersOf(stream);
  let preference: LayerPreference = host.preferredLayers.get(info.id) ?? 'auto';
  if (!host.preferredLayers.has(info.id) && host.strategy.preferredLayer && layers) {
    try {
      preference = validateLayerPreference(host.strategy.preferredLayer(store.get(info.id) ?? participantFromInfo(info), layers), 'strategy.preferredLayer()');
    } catch (cause) {
      reportStrategyError(host, 'preferredLayer', cause, "'auto'");
    }
  }
  return resolveLayerPreference(preference, layers);
}

function shouldPublish({ host, store, claims: currentClaims }: DriverStrategyContext): boolean {
  const claims = currentClaims();
  if (!host.publishing || !claims.capabilities.publish) return false;
  const local = store.get(claims.participantId) ?? localFromClaims(claims, host.muted, undefined);
  try {
    return host.strategy.shouldPublish(local) === true;
  } catch (cause) {
    reportStrategyError(host, 'shouldPublish', cause);
    return false;
  }
}

function subscribeType(context: DriverStrategyContext, info: DriverParticipantInfo): DriverSubscribeType | DriverSubscribeStreamType[] {
  const type = subscribeDecision(context, info);
  if (type === 'none' || subscribeSettings(context, info).subtitles !== true) return type;
  return type === 'audio_video' ? ['audio', 'video', 'subtitles'] : ['audio', 'subtitles'];
}

function subscribeDecision(context: DriverStrategyContext, info: DriverParticipantInfo): DriverSubscribeType {
  const { host, store } = context;
  const claims = context.claims();
  if (!claims.capabilities.subscribe || context.isLocal(claims, info)) return 'none';
  const participant = store.get(info.id) ?? participantFromInfo(info);
  try {
    return toDriverSubscribeType(host.strategy.shouldSubscribe(participant));
  } catch (cause) {
    reportStrategyError(host, 'shouldSubscribe', cause);
    return 'none';
  }
}

function reportStrategyError(host: EngineHost, method: string, cause: unknown, fallback = 'nothing'): void {
  const message = cause instanceof ValidationError ? cause.message : `threw (${messageOf(cause)})`;
  host.emit('error', { error: new ValidationError(`strategy.${method}`, `${message}; the session used the safe default (${fallback}).`, { cause }) });
}
