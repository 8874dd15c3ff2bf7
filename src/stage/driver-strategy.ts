/**
 * The strategy adapter of the connection engine (`stage-connection.ts`): the `DriverStrategy` handed
 * to one connection's stage asks the session's current strategy, and reports a strategy that throws
 * as an `error` event (answering the safe default, nothing). Loaded with the engine. (Internal module: not part of the public API.)
 */
import { ValidationError, messageOf } from '../core/errors';
import type { ParticipantTokenClaims } from '../core/token';
import type { DriverParticipantInfo, DriverStrategy, DriverSubscribeType } from './driver';
import type { LocalMedia } from './local-media';
import { localFromClaims } from './local-participant';
import { participantFromInfo, type ParticipantStore } from './participant-store';
import { toDriverSubscribeType } from './strategies';
import type { EngineHost } from './types';

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
  };
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

function subscribeType(context: DriverStrategyContext, info: DriverParticipantInfo): DriverSubscribeType {
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

function reportStrategyError(host: EngineHost, method: string, cause: unknown): void {
  const message = messageOf(cause);
  host.emit('error', { error: new ValidationError(`strategy.${method}`, `threw (${message}); the session used the safe default (nothing).`, { cause }) });
}
