// @vitest-environment happy-dom
/**
 * StageGrid's layer preferences through the real StageSession over the FakeStage driver: what the
 * driver strategy's `preferredLayerForStream` answers for simulcast streams as the grid moves tiles.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { StageGrid, type StageGridOptions } from '../../../src/grid/stage-grid';
import { StageSession } from '../../../src/stage/stage-session';
import type { DriverParticipantInfo, DriverRemoteStream, DriverStreamLayer } from '../../../src/stage/driver';
import { FakeMediaDevices, FakeStageDriver, participantInfo, participantToken, remoteStream } from '../../fakes/fake-stage';
import { FakeResizeObserver, flush, stubPlay } from './helpers';

let container: HTMLElement;
let driver: FakeStageDriver;
let session: StageSession;
let grid: StageGrid | undefined;

const LAYERS: DriverStreamLayer[] = [
  { label: 'low', width: 320, height: 180, bitrateBps: 250_000, framesPerSecond: 30, selected: true },
  { label: 'mid', width: 640, height: 360, bitrateBps: 700_000, framesPerSecond: 30, selected: false },
  { label: 'high', width: 1280, height: 720, bitrateBps: 2_500_000, framesPerSecond: 30, selected: false },
];

/** A remote participant publishing audio and a 3-layer simulcast video. */
function simulcastJoins(id: string): { info: DriverParticipantInfo; video: DriverRemoteStream } {
  const info = participantInfo({ id, attributes: { displayName: id }, isPublishing: true });
  const video: DriverRemoteStream = {
    ...remoteStream('video'),
    isAdapting: true,
    getLayers: () => LAYERS,
    getSelectedLayer: () => LAYERS[0],
    getLowestQualityLayer: () => LAYERS[0],
    getHighestQualityLayer: () => LAYERS[2],
  };
  driver.stage.emitJoined(info);
  driver.stage.emitStreamsAdded(info, [remoteStream('audio'), video]);
  return { info, video };
}

/** What the driver strategy answers now for each participant's video. */
function preferred(...remotes: Array<{ info: DriverParticipantInfo; video: DriverRemoteStream }>): unknown[] {
  return remotes.map(({ info, video }) => driver.stage.strategy.preferredLayerForStream?.(info, video));
}

async function joinWithGrid(options: StageGridOptions): Promise<void> {
  grid = new StageGrid(container, session, options);
  const joining = session.join({ token: participantToken({ participantId: 'me' }), publish: false });
  await flush();
  driver.stage.connect();
  await joining;
  await grid.load();
  FakeResizeObserver.instances.at(-1)?.resize(grid.element, 1280, 720);
}

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  driver = new FakeStageDriver();
  session = new StageSession({ stageFactory: () => driver, mediaDevices: new FakeMediaDevices() });
  FakeResizeObserver.install();
  stubPlay('resolve');
});

afterEach(async () => {
  grid?.destroy();
  grid = undefined;
  await session.dispose();
  container.remove();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('StageGrid layer preferences on a StageSession', () => {
  test('spotlight: the large tile gets the top layer, the strip the lowest; pin() swaps them and refreshes the strategy', async () => {
    await joinWithGrid({ layout: 'spotlight', showLocal: false });
    const host = simulcastJoins('host');
    const guest = simulcastJoins('guest');
    expect(preferred(host, guest)).toEqual(['high', 'low']);

    const refreshes = driver.stage.calls.refreshStrategy;
    grid!.pin('guest');
    expect(preferred(host, guest)).toEqual(['low', 'high']);
    expect(driver.stage.calls.refreshStrategy, 'the new preferences were applied at once').toBeGreaterThan(refreshes);
  });

  test('grid tiles leave the layer to the server; a hidden page asks for the lowest', async () => {
    await joinWithGrid({ maxTiles: 1, showLocal: false });
    const first = simulcastJoins('first');
    const second = simulcastJoins('second');
    expect(preferred(first, second)).toEqual([null, 'low']);
    grid!.setPage(2);
    expect(preferred(first, second)).toEqual(['low', null]);
  });

  test('layerPreferences: false leaves every stream to the server', async () => {
    await joinWithGrid({ layout: 'spotlight', showLocal: false, layerPreferences: false });
    const host = simulcastJoins('host');
    const guest = simulcastJoins('guest');
    grid!.pin('guest');
    expect(preferred(host, guest)).toEqual([null, null]);
  });
});
