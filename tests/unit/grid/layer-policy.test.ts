/** The pure part of StageGrid's layer preferences: which layer a tile asks for, and which calls change it. */
import { describe, expect, test, vi } from 'vitest';
import { InvalidStateError } from '../../../src/core/errors';
import { GridLayerPreferences, layerChanges, layerForPlacement, type TilePlacement } from '../../../src/grid/layer-policy';
import type { LayerPreference } from '../../../src/stage/types';
import { participant, TestSource } from './helpers';

const placements = (entries: Record<string, TilePlacement>) => new Map(Object.entries(entries));
const applied = (entries: Record<string, LayerPreference>) => new Map(Object.entries(entries));
const everyone = () => true;

describe('layerForPlacement', () => {
  test('the large tile asks for the highest layer, small and hidden tiles for the lowest, grid tiles let the stage adapt', () => {
    expect((['spotlight', 'strip', 'grid', 'hidden'] as const).map(layerForPlacement)).toEqual(['highest', 'lowest', 'auto', 'lowest']);
  });
});

describe('layerChanges', () => {
  test('a participant never asked for is at auto: a grid tile needs no call, the others do', () => {
    expect(layerChanges(new Map(), placements({ a: 'grid', b: 'strip', c: 'spotlight', d: 'hidden' }), everyone)).toEqual([
      { participantId: 'b', preference: 'lowest' },
      { participantId: 'c', preference: 'highest' },
      { participantId: 'd', preference: 'lowest' },
    ]);
  });

  test('only preferences that differ from what was applied are changed', () => {
    expect(layerChanges(applied({ a: 'lowest', b: 'highest' }), placements({ a: 'hidden', b: 'strip', c: 'grid' }), everyone)).toEqual([
      { participantId: 'b', preference: 'lowest' },
    ]);
  });

  test('a participant without a tile any more gets auto back while in the session, and no call once it left', () => {
    const present = (id: string) => id === 'kept';
    expect(layerChanges(applied({ kept: 'lowest', gone: 'highest' }), new Map(), present)).toEqual([{ participantId: 'kept', preference: 'auto' }]);
  });

  test('a tile moving back to the grid returns to auto', () => {
    expect(layerChanges(applied({ a: 'highest' }), placements({ a: 'grid' }), everyone)).toEqual([{ participantId: 'a', preference: 'auto' }]);
  });
});

class RecordingSource extends TestSource {
  calls: Array<[string, LayerPreference]> = [];
  setPreferredLayer(participantId: string, preference: LayerPreference): void {
    this.calls.push([participantId, preference]);
  }
}

describe('GridLayerPreferences', () => {
  test('calls setPreferredLayer for changes only, and hands everyone back to auto on release', () => {
    const source = new RecordingSource();
    source.set([participant('a'), participant('b')]);
    const layers = new GridLayerPreferences(source, true, () => {});
    layers.update(placements({ a: 'spotlight', b: 'strip' }));
    layers.update(placements({ a: 'spotlight', b: 'strip' }));
    expect(source.calls).toEqual([
      ['a', 'highest'],
      ['b', 'lowest'],
    ]);
    source.calls = [];
    layers.release();
    expect(source.calls).toEqual([
      ['a', 'auto'],
      ['b', 'auto'],
    ]);
  });

  test('a participant that left is forgotten without a call, and starts from auto if it comes back', () => {
    const source = new RecordingSource();
    source.set([participant('a')]);
    const layers = new GridLayerPreferences(source, true, () => {});
    layers.update(placements({ a: 'hidden' }));
    source.set([]);
    layers.update(new Map());
    source.set([participant('a')]);
    layers.update(placements({ a: 'grid' }));
    expect(source.calls).toEqual([['a', 'lowest']]);
  });

  test('disabled, or on a source without setPreferredLayer, it calls nothing', () => {
    const source = new RecordingSource();
    source.set([participant('a')]);
    new GridLayerPreferences(source, false, () => {}).update(placements({ a: 'hidden' }));
    expect(source.calls).toEqual([]);
    const plain = new TestSource();
    plain.set([participant('a')]);
    expect(() => new GridLayerPreferences(plain, true, () => {}).update(placements({ a: 'hidden' }))).not.toThrow();
  });

  test('a session that refuses the call is reported, not thrown, and asked again on the next change', () => {
    const source = new RecordingSource();
    source.set([participant('a')]);
    const refusal = new InvalidStateError('disposed', 'the session is disposed');
    const setPreferredLayer = vi.spyOn(source, 'setPreferredLayer').mockImplementationOnce(() => {
      throw refusal;
    });
    const errors: unknown[] = [];
    const layers = new GridLayerPreferences(source, true, (error) => errors.push(error));
    layers.update(placements({ a: 'hidden' }));
    expect(errors).toEqual([refusal]);
    layers.update(placements({ a: 'hidden' }));
    expect(setPreferredLayer.mock.calls).toEqual([
      ['a', 'lowest'],
      ['a', 'lowest'],
    ]);
  });
});
