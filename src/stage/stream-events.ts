/**
 * The stream half of the driver's events, for the connection engine (`stage-connection.ts`): simulcast
 * layers (`stageStreamLayersChanged` / `LayerSelected` / `AdaptionChanged` → the stream snapshot's
 * `layers`, `participantUpdated` with `layers`, `layersChanged`), in-band messages
 * (`stageStreamSeiMessageReceived` → `inBandMessage`) and subtitle cues
 * (`stageParticipantSubtitleCueReceived` → `subtitleCue`). (Internal module: not part of the public API.)
 */
import type { ParticipantTokenClaims } from '../core/token';
import type {
  DriverLayerSelectedReason,
  DriverParticipantInfo,
  DriverRemoteStream,
  DriverSeiMessage,
  DriverStageEventMap,
  DriverSubtitleCue,
} from './driver';
import { participantFromInfo, type ParticipantStore, type StoreChange } from './participant-store';
import { streamLayers, toStreamLayer, uuidHex } from './stream-layers';
import type { EngineHost, LayersChangeReason, Participant, StreamLayers, SubtitleCue } from './types';

/** What the handlers need from the engine. @internal */
export interface StreamEventsContext {
  readonly host: EngineHost;
  readonly store: ParticipantStore;
  readonly claims: () => ParticipantTokenClaims;
  /** Re-runs the stage's strategy (a `'lowest'`/`'highest'` preference follows the layers). */
  readonly refreshStrategy: () => void;
  emitChange(change: StoreChange): void;
}

type On = <E extends keyof DriverStageEventMap>(event: E, handler: DriverStageEventMap[E]) => void;

/** Attaches the stream event handlers through the engine's guarded `on`. @internal */
export function attachStreamEvents(on: On, context: StreamEventsContext): void {
  on('stageStreamLayersChanged', (info, stream, layers) => {
    // The SDK may report this every couple of seconds (bitrates move): the strategy runs again only
    // when the set of layers, or their order, changed, which is what a preference resolves against.
    let reordered = false;
    const changed = applyLayers(context, info, stream, 'available', (current) => {
      const next = streamLayers(layers, current?.selected ?? stream.getSelectedLayer?.(), stream.isAdapting ?? current?.adapting ?? true);
      reordered = labelsOf(current) !== labelsOf(next);
      return next;
    });
    if (changed && reordered && preferenceFollowsLayers(context, info.id)) context.refreshStrategy();
  });
  on('stageStreamLayerSelected', (info, stream, layer, reason) => {
    applyLayers(context, info, stream, selectedReason(reason), (current) =>
      streamLayers(current?.available ?? stream.getLayers?.() ?? [], layer === undefined ? undefined : toStreamLayer(layer), stream.isAdapting ?? current?.adapting ?? true),
    );
  });
  on('stageStreamAdaptionChanged', (info, stream, adapting) => {
    applyLayers(context, info, stream, 'adaption', (current) =>
      streamLayers(current?.available ?? stream.getLayers?.() ?? [], current?.selected ?? stream.getSelectedLayer?.(), adapting),
    );
  });
  on('stageStreamSeiMessageReceived', (info, message) => inBandMessage(context, info, message));
  on('stageParticipantSubtitleCueReceived', (info, cue) => subtitleCue(context, info, cue));
}

function labelsOf(layers: StreamLayers | undefined): string {
  return layers ? layers.available.map((layer) => layer.label).join('\n') : '';
}

function selectedReason(reason: DriverLayerSelectedReason | string): LayersChangeReason {
  return reason === 'unavailable' ? 'unavailable' : 'selected';
}

function isLocal(context: StreamEventsContext, info: DriverParticipantInfo): boolean {
  return info.isLocal || info.id === context.claims().participantId;
}

/** Whether the participant's layer preference depends on the layers (so a change needs a strategy run). */
function preferenceFollowsLayers(context: StreamEventsContext, id: string): boolean {
  const explicit = context.host.preferredLayers.get(id);
  return explicit !== undefined ? explicit === 'lowest' || explicit === 'highest' : context.host.strategy.preferredLayer !== undefined;
}

function applyLayers(
  context: StreamEventsContext,
  info: DriverParticipantInfo,
  stream: DriverRemoteStream,
  reason: LayersChangeReason,
  next: (current: StreamLayers | undefined) => StreamLayers,
): boolean {
  if (isLocal(context, info)) return false;
  const { change, stream: updated } = context.store.setStreamLayers(info.id, stream, next);
  if (!change || change.type === 'unchanged' || !updated?.layers) return false;
  context.emitChange(change);
  context.host.emit('layersChanged', { participant: change.participant, stream: updated, layers: updated.layers, reason });
  return true;
}

function participantOf(context: StreamEventsContext, info: DriverParticipantInfo): Participant {
  return context.store.get(info.id) ?? participantFromInfo(info);
}

function inBandMessage(context: StreamEventsContext, info: DriverParticipantInfo, message: DriverSeiMessage): void {
  const payload = new Uint8Array(message.payload.slice(0));
  context.host.emit('inBandMessage', { participant: participantOf(context, info), payload, uuid: uuidHex(message.uuid) });
}

function subtitleCue(context: StreamEventsContext, info: DriverParticipantInfo, cue: DriverSubtitleCue): void {
  const target = cue.targetParticipantId === undefined ? undefined : context.store.get(cue.targetParticipantId);
  const out: { -readonly [K in keyof SubtitleCue]: SubtitleCue[K] } = { text: cue.text, languageCode: cue.languageCode };
  if (cue.languageLabel !== undefined) out.languageLabel = cue.languageLabel;
  if (cue.startTimeMs !== undefined) out.startTimeMs = cue.startTimeMs;
  if (cue.endTimeMs !== undefined) out.endTimeMs = cue.endTimeMs;
  context.host.emit('subtitleCue', { participant: target ?? participantOf(context, info), cue: Object.freeze(out) });
}
