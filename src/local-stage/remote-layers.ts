/**
 * The simulcast layers of the remote video streams on the local stage: what the server's
 * `layerState` frames say (available layers, the one this subscriber receives, whether the server
 * adapts), turned into the IVS SDK's events (`stageStreamLayersChanged`, `stageStreamLayerSelected`,
 * `stageStreamAdaptionChanged`), and the strategy's `preferredLayerForStream` turned into
 * `preferLayer` frames, sent only when its answer changes.
 */
import { DriverErrorCode, type DriverParticipantInfo, type DriverStrategy, type DriverStreamLayer } from '../stage/driver';
import { messageOf } from '../core/errors';
import type { StageEventEmitter } from './emitter';
import { LocalStageError } from './errors';
import type { ClientFrame, LocalLayerInfo, ServerFrame } from './protocol';
import type { RemoteLayerState, RemoteStageStream } from './streams';

export type LayerStateFrame = Extract<ServerFrame, { type: 'layerState' }>;

export interface LayersHost {
  readonly events: StageEventEmitter;
  /** The remote participant, `undefined` once it left. */
  info(id: string): DriverParticipantInfo | undefined;
  send(frame: ClientFrame): void;
  strategy(): DriverStrategy;
}

interface PublisherLayers extends RemoteLayerState {
  /** The received video stream the events were about (`undefined` until it is announced). */
  stream: RemoteStageStream | undefined;
}

const layerKey = (layers: readonly DriverStreamLayer[]) => layers.map((l) => `${l.label}:${l.width}x${l.height}:${l.bitrateBps}:${l.framesPerSecond}`).join('|');

/** A `layerState` frame as the driver's layers: the active ones, lowest quality first. */
export function layerStateOf(frame: Pick<LayerStateFrame, 'layers' | 'selected' | 'adapting'>): RemoteLayerState {
  const toLayer = (l: LocalLayerInfo): DriverStreamLayer => ({
    label: l.rid,
    bitrateBps: l.bitrateBps,
    width: l.width,
    height: l.height,
    framesPerSecond: l.framesPerSecond,
    selected: l.rid === frame.selected,
  });
  const all = Array.isArray(frame.layers) ? frame.layers : [];
  const layers = all
    .filter((l) => l.active !== false)
    .map(toLayer)
    .sort((a, b) => a.width * a.height - b.width * b.height || a.bitrateBps - b.bitrateBps);
  const selectedInfo = all.find((l) => l.rid === frame.selected);
  return { layers, selected: selectedInfo ? toLayer(selectedInfo) : undefined, adapting: frame.adapting === true };
}

/** What a strategy's `preferredLayerForStream` answer asks the server for: a label, or `null` (adapt). */
export function preferenceOf(answer: DriverStreamLayer | string | undefined | null): string | null {
  if (typeof answer === 'string') return answer;
  if (answer && typeof answer === 'object' && typeof answer.label === 'string') return answer.label;
  return null;
}

export class RemoteLayers {
  readonly #host: LayersHost;
  readonly #publishers = new Map<string, PublisherLayers>();
  /**
   * The last `preferLayer` sent per publisher. The server keeps it for this participant's later
   * WHEP sessions on that publisher too, until the events socket closes; absent: `null`, its default.
   */
  readonly #sent = new Map<string, string | null>();

  constructor(host: LayersHost) {
    this.#host = host;
  }

  /** The layers of a publisher's video as last reported (read by its {@link RemoteStageStream}). */
  state(id: string): RemoteLayerState | undefined {
    return this.#publishers.get(id);
  }

  /** A `layerState` frame: stores it, and tells the listeners what changed once the stream is announced. */
  apply(frame: LayerStateFrame): void {
    if (typeof frame.publisherId !== 'string') return;
    const previous = this.#publishers.get(frame.publisherId);
    const next: PublisherLayers = { ...layerStateOf(frame), stream: previous?.stream };
    this.#publishers.set(frame.publisherId, next);
    if (!next.stream) return;
    const layersChanged = layerKey(previous?.layers ?? []) !== layerKey(next.layers);
    const info = this.#host.info(frame.publisherId);
    if (!info) return;
    const { events } = this.#host;
    if (layersChanged) events.emit('stageStreamLayersChanged', info, next.stream, [...next.layers]);
    if (previous?.selected?.label !== next.selected?.label) {
      events.emit('stageStreamLayerSelected', info, next.stream, next.selected, frame.reason === 'unavailable' ? 'unavailable' : 'selected');
    }
    if ((previous?.adapting ?? false) !== next.adapting) events.emit('stageStreamAdaptionChanged', info, next.stream, next.adapting);
    if (layersChanged) this.prefer(frame.publisherId);
  }

  /**
   * The subscription's video stream was announced (`stageParticipantStreamsAdded`): the layers known
   * so far are reported, and the strategy's preferred layer asked for.
   */
  streamAdded(id: string, stream: RemoteStageStream): void {
    const state = this.#publishers.get(id) ?? { layers: [], selected: undefined, adapting: false, stream: undefined };
    state.stream = stream;
    this.#publishers.set(id, state);
    const info = this.#host.info(id);
    if (!info || state.layers.length === 0) return;
    this.#host.events.emit('stageStreamLayersChanged', info, stream, [...state.layers]);
    if (state.selected) this.#host.events.emit('stageStreamLayerSelected', info, stream, state.selected, 'selected');
    this.prefer(id);
  }

  /** The subscription ended (its server-side state with it). */
  streamEnded(id: string): void {
    this.#publishers.delete(id);
  }

  /** Asks the strategy which layer of `id`'s simulcast video to receive; sends `preferLayer` when that changed. */
  prefer(id: string): void {
    const state = this.#publishers.get(id);
    const strategy = this.#host.strategy();
    if (!state?.stream || state.layers.length === 0 || typeof strategy.preferredLayerForStream !== 'function') return;
    const info = this.#host.info(id);
    if (!info) return;
    let preferred: string | null;
    try {
      preferred = preferenceOf(strategy.preferredLayerForStream(info, state.stream));
    } catch (cause) {
      this.#host.events.emit(
        'error',
        new LocalStageError('SUBSCRIBE_ERROR', DriverErrorCode.FAILED, `The stage strategy's preferredLayerForStream threw (${messageOf(cause)}); keeping the current layer.`, {
          fatal: false,
          cause,
          remoteParticipantId: id,
        }),
      );
      return;
    }
    if (preferred === (this.#sent.get(id) ?? null)) return;
    this.#sent.set(id, preferred);
    this.#host.send({ type: 'preferLayer', publisherId: id, layer: preferred });
  }

  /** The events socket closed (the server forgets the preferences with it), or the stage was left. */
  clear(): void {
    this.#publishers.clear();
    this.#sent.clear();
  }
}
